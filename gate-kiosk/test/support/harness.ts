import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SimulatedRelay } from "../../src/barrier/simulated-relay.js";
import { Bridge } from "../../src/bridge.js";
import { parseConfig, type BridgeConfigInput } from "../../src/config.js";
import type { BridgeStatus, Decision } from "../../src/decision.js";
import type { ScanInput } from "../../src/inputs/scan-input.js";
import { silentLogger } from "../../src/log.js";
import type { FakeSpotkeeper } from "./fake-spotkeeper.js";

export const tempDir = (prefix = "gate-kiosk-") => mkdtemp(path.join(os.tmpdir(), prefix));

/** The configuration a test bridge runs with: the fake server, a free port, quick background loops. */
export function testConfig(
  fake: FakeSpotkeeper,
  queueDir: string,
  overrides: Partial<BridgeConfigInput> = {},
): BridgeConfigInput {
  return {
    serverUrl: fake.url,
    lotId: fake.lotId,
    gateId: fake.gateId,
    gateSecret: fake.secret,
    direction: "entry",
    bridgePort: 0,
    queueDir,
    // Generous for the tests that expect the server's answer on a loaded CI machine; the slow-server tests
    // set the production 300 ms.
    serverTimeoutMs: 2_000,
    replayIntervalMs: 100,
    commandPollMs: 100,
    cacheRetryMs: 200,
    replayTimeoutMs: 2_000,
    pulseMs: 50,
    ...overrides,
  };
}

export async function startBridge(config: BridgeConfigInput, inputs: ScanInput[] = []) {
  const relay = new SimulatedRelay({ pulseMs: Number(config.pulseMs ?? 50), log: silentLogger });
  const bridge = new Bridge(parseConfig(config), { log: silentLogger, barrier: relay, inputs });
  await bridge.start();
  return { bridge, relay };
}

/** Resolves with the first value `probe` returns that is not undefined, re-probing on every `event`. */
export function until<T>(
  bridge: Bridge,
  event: "status" | "decision",
  probe: () => T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const value = probe();
      if (value === undefined) return false;
      cleanup();
      resolve(value);
      return true;
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      bridge.off(event, check);
    };
    if (!check()) bridge.on(event, check);
  });
}

export const statusWhere = (bridge: Bridge, test: (s: BridgeStatus) => boolean, what: string) =>
  until(bridge, "status", () => (test(bridge.status) ? bridge.status : undefined), what);

/** Polls a condition outside the bridge (what the fake server recorded) until it holds. */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads the bridge's SSE stream as the kiosk page does. */
export class SseClient {
  readonly events: { event: string; data: unknown }[] = [];
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  readonly response: Promise<Response>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.response = fetch(`${url}/events`, { headers, signal: this.controller.signal });
    void this.read();
  }

  private async read() {
    let res: Response;
    try {
      res = await this.response;
    } catch {
      return;
    }
    if (!res.ok || !res.body) return;
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            this.events.push({ event, data: JSON.parse(data) });
            this.waiters.forEach((w) => w());
          }
        }
      }
    } catch {
      // aborted by close()
    }
  }

  /** The first matching event from index `from` on (by default: one that has not arrived yet). */
  next<T>(
    event: "decision" | "status",
    test: (data: T) => boolean = () => true,
    from = this.events.length,
    timeoutMs = 10_000,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      let seen = from;
      const check = () => {
        for (; seen < this.events.length; seen++) {
          const e = this.events[seen]!;
          if (e.event === event && test(e.data as T)) {
            done();
            resolve(e.data as T);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no SSE ${event} event matched within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
      check();
    });
  }

  decisions(): Decision[] {
    return this.events.filter((e) => e.event === "decision").map((e) => e.data as Decision);
  }

  close() {
    this.controller.abort();
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Decision & { error?: { code: string } },
    headers: res.headers,
  };
}
