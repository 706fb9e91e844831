import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import type { BridgeStatus, Decision } from "../src/decision.js";
import { FakeSpotkeeper } from "./support/fake-spotkeeper.js";
import { eventually, postJson, tempDir } from "./support/harness.js";

const PACKAGE_DIR = path.resolve(import.meta.dirname, "..");

/** The bridge as the gate PC runs it: its own process, configured through the environment. */
function spawnBridge(fake: FakeSpotkeeper, queueDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts"], {
    cwd: PACKAGE_DIR,
    env: {
      ...process.env,
      SERVER_URL: fake.url,
      LOT_ID: fake.lotId,
      GATE_ID: fake.gateId,
      GATE_SECRET: fake.secret,
      DIRECTION: "entry",
      BRIDGE_PORT: "0",
      QUEUE_DIR: queueDir,
      SERVER_TIMEOUT_MS: "300",
      REPLAY_INTERVAL_MS: "100",
      COMMAND_POLL_MS: "100",
      CACHE_RETRY_MS: "200",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stderr! });
    lines.on("line", (line) => {
      try {
        const entry = JSON.parse(line) as { msg: string; url?: string };
        if (entry.msg === "gate bridge started" && entry.url) resolve({ child, url: entry.url });
      } catch {
        // not a log line
      }
    });
    child.once("exit", (code) => reject(new Error(`bridge exited with ${code} before it started`)));
  });
}

const status = async (url: string) => (await (await fetch(`${url}/status`)).json()) as BridgeStatus;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

describe("offline events and a bridge that crashes mid-replay", () => {
  it("replays every offline event exactly once across a kill -9 and a restart", async () => {
    const fake = new FakeSpotkeeper();
    await fake.start();
    fake.addReservation({ plate: "AB12CDE" });
    fake.addReservation({ plate: "CD34EFG" });
    const queueDir = await tempDir();
    try {
      const first = await spawnBridge(fake, queueDir);
      await eventually(async () => {
        const s = await status(first.url);
        return s.server === "online" && s.cache_valid_until !== null;
      }, "the first bridge online with its cache");
      await fake.stop();

      const decisions: Decision[] = [];
      for (const plate of ["AB12CDE", "NOPE42", "CD34EFG"])
        decisions.push((await postJson(`${first.url}/manual`, { identifier: plate })).body);
      expect(decisions.map((d) => [d.action, d.offline])).toEqual([
        ["open_barrier", true],
        // issue 11: an unknown car offline may be booked since the last cache update: ask for its QR pass.
        ["ask_for_qr", true],
        ["open_barrier", true],
      ]);
      expect((await status(first.url)).queue).toBe(3);
      const [e1, e2, e3] = decisions.map((d) => d.event_id) as [string, string, string];

      // The server records the second event, then the bridge dies before it hears the answer.
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let arrived!: () => void;
      const secondArrived = new Promise<void>((r) => (arrived = r));
      fake.hold = (body) => {
        if (body.event_id !== e2) return undefined;
        arrived();
        return released;
      };
      await fake.start();
      await secondArrived;
      const exited = new Promise((r) => first.child.once("exit", r));
      first.child.kill("SIGKILL");
      await exited;
      release();
      fake.hold = null;

      const second = await spawnBridge(fake, queueDir);
      await eventually(async () => (await status(second.url)).queue === 0, "the restarted bridge's queue drained");

      expect([...fake.events.keys()]).toEqual([e1, e2, e3]);
      expect(fake.requestsFor(e1)).toHaveLength(1);
      expect(fake.requestsFor(e2)).toHaveLength(2);
      expect(fake.requestsFor(e3)).toHaveLength(1);
      expect([...fake.events.values()].map((e) => e.body.offline_decision)).toEqual([
        "open_barrier",
        "ask_for_qr",
        "open_barrier",
      ]);
      expect(await readFile(path.join(queueDir, "events.jsonl"), "utf8")).toBe("");
    } finally {
      await fake.stop();
    }
  });
});
