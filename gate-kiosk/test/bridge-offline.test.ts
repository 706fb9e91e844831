import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bridge } from "../src/bridge.js";
import { GATE_MESSAGES } from "../src/contract.js";
import type { BridgeStatus } from "../src/decision.js";
import type { SimulatedRelay } from "../src/barrier/simulated-relay.js";
import { FakeSpotkeeper } from "./support/fake-spotkeeper.js";
import { SseClient, eventually, postJson, startBridge, statusWhere, tempDir, testConfig } from "./support/harness.js";

/** One manual entry on the kiosk keypad, as the driver would type it. */
const enter = (bridge: Bridge, identifier: string) =>
  postJson(`${bridge.url}/manual`, { identifier }).then((r) => r.body);

describe("gate bridge when the server is slow or down", () => {
  let fake: FakeSpotkeeper;
  let bridge: Bridge;
  let relay: SimulatedRelay;
  let sse: SseClient;
  let dir: string;

  beforeEach(async () => {
    fake = new FakeSpotkeeper();
    await fake.start();
    fake.addReservation({ plate: "AB12CDE", spot_label: "B-12" });
    dir = await tempDir();
    ({ bridge, relay } = await startBridge(testConfig(fake, dir, { serverTimeoutMs: 300 })));
    sse = new SseClient(bridge.url, { origin: fake.url });
    await statusWhere(
      bridge,
      (s) => s.server === "online" && s.cache_valid_until !== null,
      "the bridge online with its cache",
    );
  });

  afterEach(async () => {
    sse.close();
    await bridge.stop();
    await fake.stop();
  });

  it("decides from the signed cache when the server answers later than the timeout, and records the event once", async () => {
    fake.delayMs = 3_000;
    const started = performance.now();
    const decision = await enter(bridge, "AB12CDE");
    const elapsed = performance.now() - started;

    expect(decision).toMatchObject({
      action: "open_barrier",
      spot_label: "B-12",
      offline: true,
      reason: "offline_plate",
    });
    expect(elapsed).toBeLessThan(fake.delayMs);
    expect(relay.openings).toHaveLength(1);

    // The late request did reach the server; the replay of the same event id must not count twice.
    fake.delayMs = 0;
    await statusWhere(bridge, (s) => s.queue === 0, "the queue drained");
    // The live read, then its replay (a replay that itself timed out while the server was slow is sent again).
    const [live, ...replays] = fake.requestsFor(decision.event_id);
    expect(live!.body.offline_decision).toBeUndefined();
    expect(replays.length).toBeGreaterThanOrEqual(1);
    for (const r of replays) {
      expect(r.body).toMatchObject({ offline_decision: "open_barrier", barrier: "opened" });
      // The bridge's clock, for the server to measure: when it took the read, and when it sent this.
      expect(r.body.received_at).toBe(live!.body.occurred_at);
      expect(Date.parse(r.body.sent_at as string)).toBeGreaterThanOrEqual(Date.parse(r.body.received_at as string));
    }
    expect([...fake.events.keys()]).toEqual([decision.event_id]);
  });

  it("shows offline mode, decides locally while the server is down, and replays each event exactly once when it is back", async () => {
    const offline = sse.next<BridgeStatus>("status", (s) => s.server === "offline");
    await fake.stop();

    const open = await enter(bridge, "AB12CDE");
    const denied = await enter(bridge, "NOPE1");
    expect(open).toMatchObject({ action: "open_barrier", offline: true, spot_label: "B-12" });
    // issue 11: the server's reason code, and a car booked since the last cache update is asked for its QR pass.
    expect(denied).toMatchObject({
      action: "ask_for_qr",
      offline: true,
      reason: "no_reservation",
      message: GATE_MESSAGES.unknownOffline,
    });
    expect(relay.openings).toHaveLength(1);
    expect(await offline).toMatchObject({ server: "offline" });
    expect(bridge.status.queue).toBe(2);

    const back = sse.next<BridgeStatus>("status", (s) => s.server === "online" && s.queue === 0);
    await fake.start();
    await back;

    const recorded = [...fake.events.entries()];
    expect(recorded.map(([id]) => id)).toEqual([open.event_id, denied.event_id]);
    // An offline ask_for_qr is replayed as ask_for_qr, not as deny.
    expect(recorded.map(([, e]) => e.body.offline_decision)).toEqual(["open_barrier", "ask_for_qr"]);
    // The server learns when the car was actually at the gate, not when the replay happened.
    recorded.forEach(([, e], i) =>
      expect(Date.parse(String(e.body.occurred_at))).toBeLessThanOrEqual(Date.parse([open, denied][i]!.at)),
    );
    expect(fake.requests).toHaveLength(2);
  });

  it("verifies QR passes offline with the cached keys: valid opens, forged, expired or foreign ones stay closed", async () => {
    const rid = fake.reservations[0]!.reservation_id;
    const now = Math.floor(Date.now() / 1000);
    const valid = await fake.issuePass({ rid, spot_label: "C-3" });
    const forged = await fake.issuePass({ rid }, { signWith: "rogue" });
    const expired = await fake.issuePass({ rid, nbf: now - 7200, exp: now - 3600 });
    const foreign = await fake.issuePass({ rid, lot: "another-lot" });
    // A pass stays signed-valid for a day after the booking so the exit reads it; entry follows the cache.
    const ended = fake.addReservation({
      plate: "OLD1",
      valid_from: Date.now() - 4 * 3600_000,
      valid_until: Date.now() - 3600_000,
    });
    const afterItsEnd = await fake.issuePass({ rid: ended.reservation_id });
    await bridge.cache.refresh();
    await fake.stop();

    expect(await enter(bridge, valid)).toMatchObject({
      action: "open_barrier",
      offline: true,
      spot_label: "C-3",
      reservation_id: rid,
    });
    expect(await enter(bridge, forged)).toMatchObject({
      action: "deny",
      offline: true,
      reason: "invalid_pass",
      message: "This QR pass is not valid. Please call the attendant.",
    });
    expect(await enter(bridge, expired)).toMatchObject({ action: "deny", reason: "pass_expired" });
    expect(await enter(bridge, foreign)).toMatchObject({ action: "deny", reason: "wrong_lot" });
    expect(await enter(bridge, afterItsEnd)).toMatchObject({ action: "deny", reason: "expired" });
    expect(relay.openings).toHaveLength(1);
  });

  it("asks for the QR pass offline when the camera is unsure", async () => {
    await fake.stop();
    const read = await postJson(`${bridge.url}/lpr`, { plate: "AB12CDE", confidence: 0.5 });
    expect(read.body).toMatchObject({
      action: "ask_for_qr",
      offline: true,
      message: "We could not read your plate clearly. Please show your QR pass.",
    });
    expect(relay.openings).toHaveLength(0);
  });

  it("keeps the cache across a restart, so a bridge restarted while the server is down still lets cars in", async () => {
    await bridge.stop();
    await fake.stop();
    ({ bridge, relay } = await startBridge(testConfig(fake, dir, { serverTimeoutMs: 300 })));

    expect(bridge.status).toMatchObject({ server: "offline", cache_valid_until: expect.any(String) });
    expect(await enter(bridge, "ab 12 cde")).toMatchObject({
      action: "open_barrier",
      offline: true,
      spot_label: "B-12",
    });
    expect(await enter(bridge, "XY999")).toMatchObject({ action: "ask_for_qr", offline: true });
    expect(relay.openings).toHaveLength(1);
  });

  it("rejects a stored cache whose signature does not verify", async () => {
    await bridge.stop();
    await fake.stop();
    const { readFile, writeFile } = await import("node:fs/promises");
    const file = `${dir}/offline-cache.json`;
    const stored = JSON.parse(await readFile(file, "utf8"));
    const [header, payload, signature] = stored.token.split(".");
    const tampered = JSON.parse(Buffer.from(payload, "base64url").toString());
    tampered.plates.push({ ...tampered.plates[0], plate: "FORGED1" });
    stored.token = [header, Buffer.from(JSON.stringify(tampered)).toString("base64url"), signature].join(".");
    await writeFile(file, JSON.stringify(stored));
    ({ bridge, relay } = await startBridge(testConfig(fake, dir, { serverTimeoutMs: 300 })));

    expect(bridge.status.cache_valid_until).toBeNull();
    expect(await enter(bridge, "FORGED1")).toMatchObject({ action: "deny", offline: true, reason: "offline_no_cache" });
    expect(relay.openings).toHaveLength(0);
  });
});

describe("exit gate", () => {
  it("always opens when the server cannot be reached, even with no cache and an unknown plate", async () => {
    const fake = new FakeSpotkeeper();
    await fake.start();
    const gone = fake.url;
    await fake.stop();
    const { bridge, relay } = await startBridge({
      ...testConfig(fake, await tempDir(), { direction: "exit", serverTimeoutMs: 300 }),
      serverUrl: gone,
    });
    try {
      const decision = await enter(bridge, "UNKNOWN42");
      expect(decision).toMatchObject({
        action: "open_barrier",
        direction: "exit",
        offline: true,
        message: "Goodbye! Any charges will be settled later.",
      });
      expect(relay.openings).toHaveLength(1);
      expect(bridge.status.queue).toBe(1);
    } finally {
      await bridge.stop();
    }
  });

  it("opens with the server's charges message when online", async () => {
    const fake = new FakeSpotkeeper({ direction: "exit" });
    await fake.start();
    const { bridge, relay } = await startBridge(testConfig(fake, await tempDir(), { direction: "exit" }));
    try {
      expect(await enter(bridge, "AB12CDE")).toMatchObject({
        action: "open_barrier",
        offline: false,
        pending_charges: 0,
        currency: "EUR",
      });
      await eventually(() => fake.events.size === 1, "the check-out recorded");
      expect([...fake.events.values()][0]!.path).toBe("check-out");
      expect(relay.openings).toHaveLength(1);
    } finally {
      await bridge.stop();
      await fake.stop();
    }
  });
});
