import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bridge } from "../src/bridge.js";
import type { BridgeStatus, Decision } from "../src/decision.js";
import { StdinWedge } from "../src/inputs/stdin-wedge.js";
import type { SimulatedRelay } from "../src/barrier/simulated-relay.js";
import { FakeSpotkeeper } from "./support/fake-spotkeeper.js";
import { SseClient, eventually, postJson, startBridge, statusWhere, tempDir, testConfig } from "./support/harness.js";

describe("gate bridge with the server answering", () => {
  let fake: FakeSpotkeeper;
  let bridge: Bridge;
  let relay: SimulatedRelay;
  let scanner: PassThrough;
  let sse: SseClient;

  beforeEach(async () => {
    fake = new FakeSpotkeeper();
    await fake.start();
    fake.addReservation({ plate: "AB12CDE", spot_label: "B-12", level: "2" });
    scanner = new PassThrough();
    ({ bridge, relay } = await startBridge(testConfig(fake, await tempDir()), [new StdinWedge(scanner)]));
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

  it("opens for a scanned plate with a reservation and shows the spot and level on the kiosk", async () => {
    const shown = sse.next<Decision>("decision");
    scanner.write("ab-12 cde\n");
    const decision = await shown;

    expect(decision).toMatchObject({
      action: "open_barrier",
      spot_label: "B-12",
      level: "2",
      direction: "entry",
      offline: false,
      source: "stdin",
    });
    expect(decision.message).toBe("Welcome! Your spot is B-12 on level 2.");
    expect(relay.openings).toHaveLength(1);
    expect([...fake.events.values()].map((e) => e.body.identifier)).toEqual(["AB12CDE"]);
    expect(fake.requests[0]!.body).not.toHaveProperty("offline_decision");
  });

  it("keeps the barrier closed for an unknown plate and shows the server's reason", async () => {
    const shown = sse.next<Decision>("decision");
    scanner.write("ZZ999\n");

    expect(await shown).toMatchObject({
      action: "deny",
      reason: "no_reservation",
      message: "We found no reservation for this plate.",
      offline: false,
    });
    expect(relay.openings).toHaveLength(0);
  });

  it("asks for the QR pass when the camera is unsure of the plate, then opens on the pass", async () => {
    const read = await postJson(`${bridge.url}/lpr`, { plate: "AB12CDE", confidence: 0.4 });
    expect(read.body).toMatchObject({ action: "ask_for_qr", offline: false });

    const pass = await fake.issuePass({ rid: fake.reservations[0]!.reservation_id });
    const shown = sse.next<Decision>("decision");
    scanner.write(`${pass}\n`);
    expect(await shown).toMatchObject({ action: "open_barrier", spot_label: "B-12", offline: false });
    expect(relay.openings).toHaveLength(1);
  });

  it("treats a burst of camera reads of one plate as one car: one event, one opening", async () => {
    const reads = await Promise.all(
      Array.from({ length: 5 }, () => postJson(`${bridge.url}/lpr`, { plate: "AB 12 CDE", confidence: 0.95 })),
    );

    expect(new Set(reads.map((r) => r.body.event_id)).size).toBe(1);
    expect(fake.requests).toHaveLength(1);
    expect(relay.openings).toHaveLength(1);
    const again = await postJson(`${bridge.url}/lpr`, { plate: "AB12CDE", confidence: 0.97 });
    expect(again.body.event_id).toBe(reads[0]!.body.event_id);
    expect(fake.requests).toHaveLength(1);
  });

  it("opens when the attendant opens the barrier from the dashboard, and acknowledges the command", async () => {
    const shown = sse.next<Decision>("decision");
    fake.commands.push({ id: "cmd-1", type: "open_barrier", reason: "lost ticket", by: "operator@example.com" });

    expect(await shown).toMatchObject({
      action: "open_barrier",
      reason: "operator",
      message: "Opened by the attendant: lost ticket",
    });
    await eventually(() => fake.acked.includes("cmd-1"), "the command's ack");
    expect(relay.openings).toEqual([expect.objectContaining({ reason: "operator" })]);
  });

  it("accepts a plate typed on the kiosk keypad from the app's origin only", async () => {
    const ok = await postJson(`${bridge.url}/manual`, { identifier: "ab12cde" }, { origin: fake.url });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(fake.url);
    expect(ok.body).toMatchObject({ action: "open_barrier", source: "manual" });

    const foreign = await postJson(
      `${bridge.url}/manual`,
      { identifier: "ab12cde" },
      { origin: "https://evil.example" },
    );
    expect(foreign.status).toBe(403);
    const form = await fetch(`${bridge.url}/manual`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "ab12cde",
    });
    expect(form.status).toBe(415);
  });

  it("streams the connection state and the payments state the server reports", async () => {
    // The stream opens with the current status, before anything changes.
    expect(await sse.next<BridgeStatus>("status", () => true, 0)).toMatchObject({
      direction: "entry",
      lot_id: fake.lotId,
    });

    fake.payments = "down";
    const down = sse.next<BridgeStatus>("status", (s) => s.payments === "down");
    await postJson(`${bridge.url}/lpr`, { plate: "AB12CDE", confidence: 0.99 });
    expect(await down).toMatchObject({ server: "online", payments: "down", queue: 0 });
  });
});
