import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { POST as openRoute } from "@/app/v1/gates/[gateId]/open/route";
import { GET as commandStatusRoute } from "@/app/v1/gates/[gateId]/commands/[commandId]/route";
import { POST as ackRoute } from "@/app/v1/gates/commands/[commandId]/ack/route";
import { GET as commandsRoute } from "@/app/v1/gates/commands/route";
import { GET as offlineCacheRoute } from "@/app/v1/gates/offline-cache/route";
import { POST as reportsRoute } from "@/app/v1/gates/reports/route";
import { GET as selfRoute } from "@/app/v1/gates/self/route";
import { GET as gateEventsRoute } from "@/app/v1/lots/[id]/gate-events/route";
import { GET as gatesRoute } from "@/app/v1/lots/[id]/gates/route";
import { getDb } from "@/db/client";
import { findReservation } from "@/db/queries/reservations";
import { gateCommands, gateDevices, reservations } from "@/db/schema";
import type { OfflineCachePayload } from "@/lib/gates/offline-cache";
import { apiRequest, expectError, routeContext, testPeople } from "./fixtures";
import { cancel, statusOf } from "./support/driver-api";
import {
  checkInOk,
  checkOutOk,
  eventsFor,
  gatedLot,
  gatesSettled,
  minutesFromNow,
  moveWindow,
  paidPlateBooking,
  uniquePlate,
  useQrSigningKey,
  type GateJson,
  bookedCar,
  type CarOptions,
} from "./support/gates";
import { useFakeStripe } from "./support/use-fake-stripe";

// issue 11 (a gate an operator can leave unattended) and issue 9's replay clock, through the routes.
useFakeStripe();
useQrSigningKey();

const { driver, operator } = testPeople();
afterAll(gatesSettled);

const car = (o?: CarOptions) => bookedCar(operator, driver, o);

const report = (gate: GateJson, body: Record<string, unknown>) =>
  reportsRoute(apiRequest("POST", "/v1/gates/reports", { token: gate.secret, body }), routeContext());

async function gateEvents(lotId: string) {
  const res = await gateEventsRoute(
    apiRequest("GET", `/v1/lots/${lotId}/gate-events`, { token: operator.token }),
    routeContext({ id: lotId }),
  );
  expect(res.status).toBe(200);
  return (
    (await res.json()) as { data: { event_id: string; action: string; barrier: string | null; flag: string | null }[] }
  ).data;
}

describe("the barrier's action is the truth", () => {
  it("a late answer never locks a paid driver out: the bridge's own refusal undoes the check-in and is flagged", async () => {
    const { lot, entry, plate, r } = await car();
    const eventId = randomUUID();
    // The server opened, but the answer came after the bridge's deadline...
    expect(await checkInOk(entry, { identifier: plate, event_id: eventId })).toMatchObject({ action: "open_barrier" });
    await gatesSettled();
    expect(await statusOf(driver, r.reservation_id)).toBe("checked_in");

    // ...and the bridge, deciding from an older cache, refused. Its replay is the truth.
    const replay = await checkInOk(entry, {
      identifier: plate,
      event_id: eventId,
      occurred_at: new Date().toISOString(),
      offline_decision: "deny",
    });
    expect(replay).toMatchObject({ action: "deny", flag: "barrier_disagreed", event_id: eventId });
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
    expect((await gateEvents(lot.id)).find((e) => e.event_id === eventId)).toMatchObject({
      action: "open_barrier",
      barrier: "denied",
      flag: "barrier_disagreed",
    });

    // The driver's next try opens (not "already inside", and not the stale duplicate answer).
    const next = await checkInOk(entry, { identifier: plate, event_id: randomUUID() });
    expect(next).toMatchObject({ action: "open_barrier", reservation_id: r.reservation_id });
    expect(next.event_id).not.toBe(eventId);
    await gatesSettled();
    expect(await statusOf(driver, r.reservation_id)).toBe("checked_in");
  });

  it("replays an offline ask_for_qr as ask_for_qr", async () => {
    const { entry } = await gatedLot(operator);
    const answer = await checkInOk(entry, {
      identifier: uniquePlate(),
      event_id: randomUUID(),
      occurred_at: minutesFromNow(-1).toISOString(),
      offline_decision: "ask_for_qr",
    });
    expect(answer).toMatchObject({ action: "ask_for_qr", offline: true });
  });

  it("a relay failure on a live opening is reported: the check-in is undone and the event flagged", async () => {
    const { lot, entry, plate, r } = await car();
    const eventId = randomUUID();
    await checkInOk(entry, { identifier: plate, event_id: eventId });
    await gatesSettled();
    const res = await report(entry, {
      event_id: eventId,
      barrier: "relay_failed",
      action: "open_barrier",
      identifier: plate,
    });
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
    expect(await res.json()).toMatchObject({ flag: "relay_failed" });
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
    expect((await gateEvents(lot.id)).find((e) => e.event_id === eventId)).toMatchObject({
      barrier: "relay_failed",
      flag: "relay_failed",
    });
    // Reported again (a lost answer): the same, nothing moves twice.
    expect((await report(entry, { event_id: eventId, barrier: "relay_failed", action: "open_barrier" })).status).toBe(
      200,
    );
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
  });

  it("asks the bridge to report again (425) while the read is not recorded yet", async () => {
    const { entry } = await gatedLot(operator);
    await expectError(
      await report(entry, { event_id: randomUUID(), barrier: "opened", action: "open_barrier" }),
      425,
      "not_ready",
    );
  });
});

describe("a replay's clock (issue 9)", () => {
  it("never applies an entry after the replay arrived, and flags a clock far ahead", async () => {
    const { lot, entry, plate, r } = await car();
    const eventId = randomUUID();
    const before = Date.now();
    await checkInOk(entry, {
      identifier: plate,
      event_id: eventId,
      occurred_at: minutesFromNow(60).toISOString(),
      offline_decision: "open_barrier",
    });
    await gatesSettled();
    const row = await findReservation(await getDb(), r.reservation_id);
    expect(row!.status).toBe("checked_in");
    expect(row!.checkedInAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(row!.checkedInAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await gateEvents(lot.id)).find((e) => e.event_id === eventId)).toMatchObject({ flag: "clock_adjusted" });
  });

  it("never charges an overstay beyond what a live read at the replay's arrival would", async () => {
    const { lot, entry, exit, plate, r } = await car();
    await checkInOk(entry, { identifier: plate });
    await gatesSettled();
    // The booking ended an hour ago; the gate PC's clock claims the car left ten hours from now.
    const end = minutesFromNow(-60);
    await moveWindow(r.reservation_id, new Date(end.getTime() - 120 * 60_000), end);
    await (
      await getDb()
    )
      .update(reservations)
      .set({ checkedInAt: new Date(end.getTime() - 120 * 60_000) })
      .where(eq(reservations.id, r.reservation_id));
    const eventId = randomUUID();
    const answer = await checkOutOk(exit, {
      identifier: plate,
      event_id: eventId,
      occurred_at: minutesFromNow(600).toISOString(),
      offline_decision: "open_barrier",
    });
    // An hour over at €4.00 an hour (a quarter more if the clock ticked past one meanwhile), not eleven.
    expect(answer.pending_charges).toBeGreaterThanOrEqual(400);
    expect(answer.pending_charges).toBeLessThanOrEqual(500);
    await gatesSettled();
    expect((await findReservation(await getDb(), r.reservation_id))!.checkedOutAt!.getTime()).toBeLessThanOrEqual(
      Date.now(),
    );
    expect((await gateEvents(lot.id)).find((e) => e.event_id === eventId)).toMatchObject({ flag: "clock_adjusted" });
  });

  it("never refunds for an exit claimed before the car came in, nor before the gate's outage began", async () => {
    const { entry, exit, plate, r } = await car({ minutes: 240 });
    await checkInOk(entry, { identifier: plate });
    await gatesSettled();
    const checkedInAt = (await findReservation(await getDb(), r.reservation_id))!.checkedInAt!;
    // The exit gate was last in touch ten minutes ago, before its outage.
    const db = await getDb();
    await selfCheck(exit);
    await db
      .update(gateDevices)
      .set({ lastSeenAt: minutesFromNow(-10) })
      .where(eq(gateDevices.id, exit.gate_id));
    await selfCheck(exit);
    const outage = (await db.select().from(gateDevices).where(eq(gateDevices.id, exit.gate_id)))[0]!.outageStartedAt!;
    expect(Math.abs(outage.getTime() - minutesFromNow(-10).getTime())).toBeLessThan(5_000);

    // A clock set back a day claims the car left long before it even came in.
    await checkOutOk(exit, {
      identifier: plate,
      event_id: randomUUID(),
      occurred_at: minutesFromNow(-24 * 60).toISOString(),
      offline_decision: "open_barrier",
    });
    await gatesSettled();
    const row = await findReservation(db, r.reservation_id);
    expect(row!.status).toBe("completed");
    expect(row!.checkedOutAt!.getTime()).toBeGreaterThanOrEqual(Math.max(checkedInAt.getTime(), outage.getTime()));
  });

  it("bounds a replay by the offline cache's reach when nothing else is known", async () => {
    const { exit } = await gatedLot(operator);
    const eventId = randomUUID();
    await checkOutOk(exit, {
      identifier: uniquePlate(),
      event_id: eventId,
      occurred_at: minutesFromNow(-10 * 24 * 60).toISOString(),
      offline_decision: "open_barrier",
    });
    const [event] = await eventsFor({ gateId: exit.gate_id });
    expect(Date.now() - event!.occurredAt.getTime()).toBeLessThanOrEqual(6 * 3600_000 + 60_000);
    expect(event!.flag).toBe("clock_adjusted");
  });
});

async function selfCheck(gate: GateJson, query = "", token = gate.secret) {
  return selfRoute(apiRequest("GET", `/v1/gates/self${query}`, { token }), routeContext());
}

describe("pairing and health", () => {
  it("answers the gate's own record, and refuses a bridge configured for another lot or direction", async () => {
    const { lot, entry } = await gatedLot(operator);
    const ok = await selfCheck(entry, `?lot_id=${lot.id}&direction=entry&version=0.2.0&queue=3&cache_age_s=4&relay=ok`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ gate_id: entry.gate_id, lot_id: lot.id, direction: "entry" });
    await expectError(await selfCheck(entry, `?lot_id=${randomUUID()}`), 409, "conflict");
    await expectError(await selfCheck(entry, "?direction=exit"), 409, "conflict");
    await expectError(await selfCheck(entry, "", "gk_wrongsecretwrongsecretwrongsecret0"), 401, "unauthorized");
  });

  it("lists each gate's last contact, queue, cache age, version and relay, and flags a gate silent for over a minute", async () => {
    const { lot, entry, exit } = await gatedLot(operator);
    await selfCheck(entry, "?version=0.2.0&queue=3&cache_age_s=4&relay=failed");
    await selfCheck(exit, "?version=0.2.0&queue=0&cache_age_s=2&relay=ok");
    await (
      await getDb()
    )
      .update(gateDevices)
      .set({ lastSeenAt: minutesFromNow(-2) })
      .where(eq(gateDevices.id, exit.gate_id));
    const res = await gatesRoute(
      apiRequest("GET", `/v1/lots/${lot.id}/gates`, { token: operator.token }),
      routeContext({ id: lot.id }),
    );
    const { data } = (await res.json()) as { data: { gate_id: string; health: Record<string, unknown> }[] };
    expect(data.find((g) => g.gate_id === entry.gate_id)!.health).toMatchObject({
      silent: false,
      queue: 3,
      cache_age_s: 4,
      version: "0.2.0",
      relay: "failed",
    });
    expect(data.find((g) => g.gate_id === exit.gate_id)!.health).toMatchObject({ silent: true, relay: "ok" });
  });
});

describe("remote opens", () => {
  const open = (gateId: string) =>
    openRoute(
      apiRequest("POST", `/v1/gates/${gateId}/open`, { token: operator.token, body: { reason: "Lost ticket" } }),
      routeContext({ gateId }),
    );
  const pending = async (gate: GateJson) =>
    (
      (await (
        await commandsRoute(apiRequest("GET", "/v1/gates/commands", { token: gate.secret }), routeContext())
      ).json()) as { data: { command_id: string }[] }
    ).data;

  it("expire after a few seconds, so a gate back from an outage never opens late", async () => {
    const { entry } = await gatedLot(operator);
    const { command_id } = (await (await open(entry.gate_id)).json()) as { command_id: string };
    expect((await pending(entry)).map((c) => c.command_id)).toEqual([command_id]);
    await (
      await getDb()
    )
      .update(gateCommands)
      .set({ createdAt: new Date(Date.now() - 11_000) })
      .where(eq(gateCommands.id, command_id));
    expect(await pending(entry)).toEqual([]);
  });

  it("say whether the gate executed them, visible to the operator", async () => {
    const { entry } = await gatedLot(operator);
    const { command_id } = (await (await open(entry.gate_id)).json()) as { command_id: string };
    const status = async () =>
      (await (
        await commandStatusRoute(
          apiRequest("GET", `/v1/gates/${entry.gate_id}/commands/${command_id}`, { token: operator.token }),
          routeContext({ gateId: entry.gate_id, commandId: command_id }),
        )
      ).json()) as Record<string, unknown>;
    expect(await status()).toMatchObject({ acked_at: null, result: null });
    const ack = await ackRoute(
      apiRequest("POST", `/v1/gates/commands/${command_id}/ack`, {
        token: entry.secret,
        body: { result: "failed", failure: "relay did not respond" },
      }),
      routeContext({ commandId: command_id }),
    );
    expect(ack.status).toBe(200);
    expect(await status()).toMatchObject({
      result: "failed",
      failure: "relay did not respond",
      acked_at: expect.any(String),
    });
  });
});

describe("the offline cache for an unattended gate", () => {
  const cache = async (gate: GateJson, since?: string) => {
    const res = await offlineCacheRoute(
      apiRequest("GET", `/v1/gates/offline-cache${since ? `?since=${encodeURIComponent(since)}` : ""}`, {
        token: gate.secret,
      }),
      routeContext(),
    );
    expect(res.status).toBe(200);
    return decodeJwt(((await res.json()) as { token: string }).token) as unknown as OfflineCachePayload;
  };

  it("carries revoked passes and cars inside, and since=cursor gives only what changed", async () => {
    const { lot, entry, plate, r } = await car();
    const cancelled = await paidPlateBooking(driver, lot.id, minutesFromNow(30), minutesFromNow(90), uniquePlate());
    await cancel(driver, cancelled.reservation_id);
    await checkInOk(entry, { identifier: plate });
    await gatesSettled();

    const full = await cache(entry);
    expect(full.revoked).toContain(cancelled.reservation_id);
    expect(full.inside).toEqual([r.reservation_id]);
    expect(full.plates.map((p) => p.reservation_id)).not.toContain(cancelled.reservation_id);

    // Past the delta's overlap, so the rows above are not changed "since".
    await (
      await getDb()
    )
      .update(reservations)
      .set({ updatedAt: minutesFromNow(-1) })
      .where(eq(reservations.lotId, lot.id));
    const fresh = await paidPlateBooking(driver, lot.id, minutesFromNow(3), minutesFromNow(60), uniquePlate());
    const delta = await cache(entry, full.cursor);
    expect(delta.since).toBe(full.cursor);
    expect(delta.changed).toEqual([fresh.reservation_id]);
    expect(delta.plates.map((p) => p.reservation_id)).toEqual([fresh.reservation_id]);
  });
});
