import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import type { Barrier, BarrierState } from "../src/barrier/barrier.js";
import { SimulatedRelay } from "../src/barrier/simulated-relay.js";
import { Bridge } from "../src/bridge.js";
import { parseConfig, type BridgeConfigInput } from "../src/config.js";
import { GATE_MESSAGES, type Decision } from "../src/contract.js";
import { isLoopback } from "../src/http-server.js";
import { silentLogger } from "../src/log.js";
import { FakeSpotkeeper } from "./support/fake-spotkeeper.js";
import { eventually, postJson, startBridge, statusWhere, tempDir, testConfig } from "./support/harness.js";
import { TcpProxy } from "./support/tcp-proxy.js";

// issue 11: a gate an operator can install and leave unattended.

/** A relay board that is unplugged: every opening fails. */
class BrokenRelay extends EventEmitter<{ state: [BarrierState] }> implements Barrier {
  state: BarrierState = "closed";
  broken = true;
  openings = 0;
  async open(): Promise<void> {
    if (this.broken) throw new Error("ENOENT: /dev/ttyUSB0 is gone");
    this.openings++;
  }
  async close(): Promise<void> {}
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fakeServer(options: ConstructorParameters<typeof FakeSpotkeeper>[0] = {}) {
  const fake = new FakeSpotkeeper(options);
  await fake.start();
  cleanups.push(() => fake.stop());
  return fake;
}

async function bridgeFor(config: BridgeConfigInput, barrier?: Barrier) {
  const relay = barrier ?? new SimulatedRelay({ pulseMs: 50, log: silentLogger });
  const bridge = new Bridge(parseConfig(config), { log: silentLogger, barrier: relay });
  await bridge.start();
  cleanups.push(() => bridge.stop());
  return { bridge, relay };
}

const enter = (bridge: Bridge, identifier: string, headers: Record<string, string> = {}) =>
  postJson(`${bridge.url}/manual`, { identifier }, headers).then((r) => r.body as Decision);
const health = async (bridge: Bridge) => {
  const res = await fetch(`${bridge.url}/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("mis-pairing is an error state, never offline, never an open entry", () => {
  it("a wrong secret: misconfigured on the screen and in /health, and the cached plates stay closed", async () => {
    const fake = await fakeServer();
    fake.addReservation({ plate: "AB12CDE" });
    const dir = await tempDir();
    // First paired properly, so a signed cache is on disk.
    const first = await startBridge(testConfig(fake, dir));
    await statusWhere(
      first.bridge,
      (s) => s.server === "online" && s.cache_valid_until !== null,
      "online with a cache",
    );
    await first.bridge.stop();

    const { bridge, relay } = await bridgeFor(testConfig(fake, dir, { gateSecret: "gk_someoneelsessecret" }));
    expect(bridge.status).toMatchObject({ server: "misconfigured", problem: expect.stringContaining("401") });
    expect(await health(bridge)).toMatchObject({ status: 503, body: { ok: false, server: "misconfigured" } });
    expect(await enter(bridge, "AB12CDE")).toMatchObject({
      action: "deny",
      reason: "misconfigured",
      message: GATE_MESSAGES.misconfigured,
    });
    expect((relay as SimulatedRelay).openings).toHaveLength(0);
  });

  it("another lot's id: misconfigured, and it stays so (no flapping) while calls keep failing", async () => {
    const fake = await fakeServer();
    const { bridge } = await bridgeFor(
      testConfig(fake, await tempDir(), { lotId: "00000000-0000-4000-8000-000000000000" }),
    );
    expect(bridge.status.server).toBe("misconfigured");
    const seen = new Set<string>();
    bridge.on("status", (s) => seen.add(s.server));
    await eventually(
      () => fake.selfChecks.length >= 2 && fake.cacheRequests.length >= 1,
      "more pairing checks and cache calls",
      15_000,
    );
    expect([...seen].filter((s) => s !== "misconfigured")).toEqual([]);
  });

  it("an entry gate configured as an exit does not open for anyone; a real exit configured as entry still lets cars out", async () => {
    const entryGate = await fakeServer({ direction: "entry" });
    const wrongExit = await bridgeFor(testConfig(entryGate, await tempDir(), { direction: "exit" }));
    expect(wrongExit.bridge.status).toMatchObject({
      server: "misconfigured",
      problem: expect.stringContaining("entry"),
    });
    expect(await enter(wrongExit.bridge, "ANYONE1")).toMatchObject({ action: "deny", reason: "misconfigured" });
    expect((wrongExit.relay as SimulatedRelay).openings).toHaveLength(0);

    const exitGate = await fakeServer({ direction: "exit" });
    const wrongEntry = await bridgeFor(testConfig(exitGate, await tempDir(), { direction: "entry" }));
    expect(wrongEntry.bridge.status.server).toBe("misconfigured");
    expect(await enter(wrongEntry.bridge, "LEAVING1")).toMatchObject({ action: "open_barrier" });
  });
});

describe("a relay failure", () => {
  it("tells the driver to call the attendant, reports it to the server and fails /health", async () => {
    const fake = await fakeServer();
    fake.addReservation({ plate: "AB12CDE" });
    const relay = new BrokenRelay();
    const { bridge } = await bridgeFor(testConfig(fake, await tempDir()), relay);
    await statusWhere(bridge, (s) => s.server === "online", "online");

    const decision = await enter(bridge, "AB12CDE");
    expect(decision).toMatchObject({
      action: "deny",
      reason: "relay_failed",
      barrier: "relay_failed",
      message: GATE_MESSAGES.relayFailed,
    });
    expect(bridge.status.relay).toBe("failed");
    expect(await health(bridge)).toMatchObject({ status: 503, body: { relay: "failed" } });
    await eventually(() => fake.reports.find((r) => r.event_id === decision.event_id), "the relay failure reported");
    expect(fake.reports[0]).toMatchObject({ barrier: "relay_failed", action: "open_barrier", identifier: "AB12CDE" });
    await eventually(
      () => fake.selfChecks.some((q) => q.relay === "failed"),
      "the relay state in the heartbeat",
      15_000,
    );

    // An operator's remote open fails too, and the acknowledgement says so.
    fake.commands.push({ id: "cmd-1", type: "open_barrier", reason: "stuck" });
    await eventually(() => fake.ackBodies.get("cmd-1"), "the command acknowledged");
    expect(fake.ackBodies.get("cmd-1")).toMatchObject({ result: "failed" });

    relay.broken = false;
    fake.commands.push({ id: "cmd-2", type: "open_barrier", reason: "fixed" });
    await eventually(() => fake.ackBodies.get("cmd-2"), "the second command acknowledged");
    expect(fake.ackBodies.get("cmd-2")).toMatchObject({ result: "executed" });
    expect(await health(bridge)).toMatchObject({ status: 200 });
  });
});

describe("offline passes respect revocation and anti-passback", () => {
  it("refuses a revoked pass and a car inside, and opens a pass once", async () => {
    const fake = await fakeServer();
    const good = fake.addReservation({ plate: "GOOD1" });
    const revoked = fake.addReservation({ plate: "GONE1" });
    const inside = fake.addReservation({ plate: "INSIDE1" });
    fake.revoked.add(revoked.reservation_id);
    fake.inside.add(inside.reservation_id);
    const dir = await tempDir();
    const { bridge, relay } = await bridgeFor(testConfig(fake, dir, { dedupeWindowMs: 1 }));
    await statusWhere(bridge, (s) => s.server === "online" && s.cache_valid_until !== null, "online with a cache");
    const passes = await Promise.all([good, revoked, inside].map((r) => fake.issuePass({ rid: r.reservation_id })));
    await fake.stop();

    expect(await enter(bridge, passes[1]!)).toMatchObject({ action: "deny", reason: "cancelled", offline: true });
    expect(await enter(bridge, passes[2]!)).toMatchObject({ action: "deny", reason: "already_inside", offline: true });
    expect(await enter(bridge, passes[0]!)).toMatchObject({ action: "open_barrier", offline: true });
    await new Promise((r) => setTimeout(r, 5));
    expect(await enter(bridge, passes[0]!)).toMatchObject({ action: "deny", reason: "already_inside" });
    expect(await enter(bridge, "GOOD1")).toMatchObject({ action: "deny", reason: "already_inside" });
    expect((relay as SimulatedRelay).openings).toHaveLength(1);

    // Remembered across a restart in the middle of the outage.
    await bridge.stop();
    cleanups.pop();
    const again = await bridgeFor(testConfig(fake, dir, { dedupeWindowMs: 1 }));
    expect(await enter(again.bridge, passes[0]!)).toMatchObject({ action: "deny", reason: "already_inside" });
  });

  it("learns a booking made after start within seconds (since=cursor updates), not after a 5-minute refresh", async () => {
    const fake = await fakeServer();
    const { bridge } = await bridgeFor(testConfig(fake, await tempDir(), { cacheRefreshMs: 100 }));
    await statusWhere(bridge, (s) => s.server === "online" && s.cache_valid_until !== null, "online with a cache");
    fake.addReservation({ plate: "NEW1" });
    await eventually(
      () =>
        fake.cacheRequests.some((since) => since !== null) &&
        fake.cacheRequests.at(-1) !== null &&
        fake.cacheRequests.length >= 3,
      "delta updates",
    );
    await fake.stop();
    expect(await enter(bridge, "NEW1")).toMatchObject({ action: "open_barrier", offline: true });
  });
});

describe("local endpoints", () => {
  it("the keypad answers only this PC's screen or the kiosk token; the camera only its token", async () => {
    expect([
      isLoopback("127.0.0.1"),
      isLoopback("::1"),
      isLoopback("::ffff:127.0.0.1"),
      isLoopback("192.0.2.2"),
      isLoopback(undefined),
    ]).toEqual([true, true, true, false, false]);
    const fake = await fakeServer();
    const { bridge } = await bridgeFor(
      testConfig(fake, await tempDir(), {
        bridgeHost: "0.0.0.0",
        kioskToken: "kiosk-secret",
        lprToken: "camera-secret",
      }),
    );
    const port = new URL(bridge.url).port;
    const lan = Object.values((await import("node:os")).networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
    expect(lan, "a non-loopback address on this machine").toBeDefined();
    const fromLan = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      postJson(`http://${lan}:${port}${path}`, body, headers);

    expect((await fromLan("/manual", { identifier: "ANY1" })).status).toBe(403);
    expect((await fromLan("/manual", { identifier: "ANY1" }, { authorization: "Bearer camera-secret" })).status).toBe(
      403,
    );
    expect((await fromLan("/manual", { identifier: "ANY1" }, { authorization: "Bearer kiosk-secret" })).status).toBe(
      200,
    );
    expect((await postJson(`http://127.0.0.1:${port}/manual`, { identifier: "ANY2" })).status).toBe(200);
    expect((await fromLan("/lpr", { plate: "ANY3" })).status).toBe(401);
    expect((await postJson(`http://127.0.0.1:${port}/lpr`, { plate: "ANY3" })).status).toBe(401);
    expect((await fromLan("/lpr", { plate: "ANY3" }, { authorization: "Bearer camera-secret" })).status).toBe(200);
  });

  it("listens on loopback by default, and on the camera's own address only for /lpr", async () => {
    const fake = await fakeServer();
    const { bridge } = await bridgeFor(
      testConfig(fake, await tempDir(), { lprToken: "camera-secret", cameraListen: "127.0.0.1:0" }),
    );
    expect(new URL(bridge.url).hostname).toBe("127.0.0.1");
    expect(parseConfig(testConfig(fake, "/tmp/x")).bridgeHost).toBe("127.0.0.1");
    const camera = bridge.cameraUrl!;
    expect((await postJson(`${camera}/manual`, { identifier: "ANY1" })).status).toBe(404);
    expect((await postJson(`${camera}/lpr`, { plate: "ANY1" })).status).toBe(401);
    expect((await postJson(`${camera}/lpr`, { plate: "ANY1" }, { authorization: "Bearer camera-secret" })).status).toBe(
      200,
    );
    expect(() => parseConfig(testConfig(fake, "/tmp/x", { cameraListen: "0.0.0.0:7071" }))).toThrow(/lprToken/);
  });

  it("serves the kiosk screen itself, so a rebooted gate PC shows it with the server down", async () => {
    const fake = await fakeServer();
    await fake.stop();
    const { bridge } = await bridgeFor(testConfig(fake, await tempDir()));
    const res = await fetch(`${bridge.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('new EventSource("/events")');
    expect(html).toContain("/manual");
  });
});

describe("timings through a proxy that refuses, stalls and slows", () => {
  it("decides offline within the deadline and recovers quickly when the server returns (printed)", async () => {
    const fake = await fakeServer();
    for (const plate of ["REFUSE1", "STALL1", "SLOW1", "BACK1"]) fake.addReservation({ plate });
    const proxy = new TcpProxy({ host: "127.0.0.1", port: Number(new URL(fake.url).port) });
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const { bridge } = await bridgeFor({
      ...testConfig(fake, await tempDir(), { serverTimeoutMs: 300, dedupeWindowMs: 1 }),
      serverUrl: proxy.url,
    });
    await statusWhere(bridge, (s) => s.server === "online" && s.cache_valid_until !== null, "online with a cache");

    const timed = async (plate: string) => {
      const t = performance.now();
      const d = await enter(bridge, plate);
      return { ms: performance.now() - t, d };
    };
    const figures: Record<string, number> = {};
    for (const mode of ["refuse", "stall", "slow"] as const) {
      proxy.mode = mode;
      proxy.reset();
      // A car per mode: a car let in offline is inside, and opens no second time.
      const { ms, d } = await timed(mode.toUpperCase() + "1");
      expect(d).toMatchObject({ action: "open_barrier", offline: true });
      figures[
        `offline decision, server ${mode === "refuse" ? "refusing" : mode === "stall" ? "stalled" : "slow"} (ms)`
      ] = Math.round(ms);
      await new Promise((r) => setTimeout(r, 5));
    }
    proxy.mode = "pass";
    proxy.reset();
    const back = performance.now();
    await statusWhere(bridge, (s) => s.server === "online" && s.queue === 0, "online with the queue drained");
    figures["recovery after the server returns (ms)"] = Math.round(performance.now() - back);
    const online = await timed("BACK1");
    expect(online.d).toMatchObject({ offline: false });
    figures["online decision (ms)"] = Math.round(online.ms);
    console.log("[gate timings]", JSON.stringify(figures));
    expect(fake.events.size).toBe(4);
  });
});
