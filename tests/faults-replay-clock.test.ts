import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { findReservation } from "@/db/queries/reservations";
import { reservations } from "@/db/schema";
import { replayTime } from "@/lib/gates/replay";
import { expectError, testPeople } from "./fixtures";
import {
  checkInOk,
  checkOut,
  checkOutOk,
  eventsFor,
  gatedLot,
  gatesSettled,
  minutesFromNow,
  moveWindow,
  paidPlateBooking,
  uniquePlate,
  useQrSigningKey,
} from "./support/gates";
import { useFakeStripe } from "./support/use-fake-stripe";

// Offline replays from a gate PC whose clock is wrong (issue 9): the bridge sends, with each replay,
// when it received the read and when it sent the replay, both on its own clock; the server measures
// the clock's offset by its own arrival time and places the read on its clock before bounding it.
useFakeStripe();
useQrSigningKey();

const { driver, operator } = testPeople();
afterAll(gatesSettled);

const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A car inside since `inSince` minutes ago, on a booking of [start, end] minutes from now. */
async function carInside(start: number, end: number, inSince: number) {
  const gates = await gatedLot(operator);
  const plate = uniquePlate();
  const r = await paidPlateBooking(driver, gates.lot.id, minutesFromNow(5), minutesFromNow(65), plate);
  await checkInOk(gates.entry, { identifier: plate });
  await gatesSettled();
  await moveWindow(r.reservation_id, minutesFromNow(start), minutesFromNow(end));
  await (
    await getDb()
  )
    .update(reservations)
    .set({ checkedInAt: minutesFromNow(-inSince) })
    .where(eq(reservations.id, r.reservation_id));
  return { ...gates, plate, r };
}

/** The exit replay a bridge whose clock is `skewMs` off sends for a car that left `agoMin` minutes ago. */
function replayedExit(plate: string, agoMin: number, skewMs: number) {
  const bridgeNow = Date.now() + skewMs;
  const readAt = iso(bridgeNow - agoMin * 60_000);
  return {
    identifier: plate,
    event_id: randomUUID(),
    occurred_at: readAt,
    received_at: readAt,
    sent_at: iso(bridgeNow),
    offline_decision: "open_barrier" as const,
  };
}

const near = (actual: Date, expected: Date, slackMs = 60_000) => {
  expect(actual.getTime()).toBeGreaterThanOrEqual(expected.getTime() - 5_000);
  expect(actual.getTime()).toBeLessThanOrEqual(expected.getTime() + slackMs);
};

describe("a replay from a bridge whose clock is off", () => {
  it("places an exit from a clock three hours behind at the time the car really left, not at its check-in", async () => {
    // In for two hours of a four-hour booking; left 30 minutes ago while the gate was offline.
    const { exit, plate, r } = await carInside(-120, 120, 120);
    const body = replayedExit(plate, 30, -3 * HOUR);
    const leftAt = minutesFromNow(-30);
    await checkOutOk(exit, body);
    await gatesSettled();
    const row = (await findReservation(await getDb(), r.reservation_id))!;
    expect(row.status).toBe("completed");
    // Uncorrected, the claim (3½ h ago) falls before the check-in and the refund would cover the whole stay.
    near(row.checkedOutAt!, leftAt);
    const [event] = (await eventsFor({ gateId: exit.gate_id })).filter((e) => e.eventId === body.event_id);
    near(event!.occurredAt, leftAt);
    expect(event!.flag).toBe("clock_adjusted"); // operators see the gate PC's clock is off
  });

  it("places an exit from a clock five hours ahead at the time the car really left, not at the replay's arrival", async () => {
    // The booking ended an hour ago; the car left 20 minutes ago: 40 minutes over, not 60.
    const { exit, plate, r } = await carInside(-180, -60, 180);
    const leftAt = minutesFromNow(-20);
    await checkOutOk(exit, replayedExit(plate, 20, 5 * HOUR));
    await gatesSettled();
    near((await findReservation(await getDb(), r.reservation_id))!.checkedOutAt!, leftAt);
  });

  it("applies a read no later than the bridge received it", async () => {
    const { exit, plate, r } = await carInside(-120, 120, 120);
    const now = Date.now();
    await checkOutOk(exit, {
      identifier: plate,
      event_id: randomUUID(),
      occurred_at: iso(now),
      received_at: iso(now - 15 * 60_000),
      sent_at: iso(now),
      offline_decision: "open_barrier",
    });
    await gatesSettled();
    near((await findReservation(await getDb(), r.reservation_id))!.checkedOutAt!, new Date(now - 15 * 60_000));
  });

  it("still bounds a corrected time: a sent_at that claims a huge offset moves no money beyond a live read now", async () => {
    const { exit, plate, r } = await carInside(-180, -60, 180);
    const now = Date.now();
    // occurred "now" but sent "ten hours ago": the offset would put the exit ten hours in the future.
    await checkOutOk(exit, {
      identifier: plate,
      event_id: randomUUID(),
      occurred_at: iso(now),
      received_at: iso(now),
      sent_at: iso(now - 10 * HOUR),
      offline_decision: "open_barrier",
    });
    await gatesSettled();
    const out = (await findReservation(await getDb(), r.reservation_id))!.checkedOutAt!;
    expect(out.getTime()).toBeLessThanOrEqual(Date.now());
    near(out, new Date(now));
  });

  it("refuses a malformed received_at or sent_at with 422", async () => {
    const { exit } = await gatedLot(operator);
    const base = {
      identifier: uniquePlate(),
      event_id: randomUUID(),
      occurred_at: iso(Date.now()),
      offline_decision: "open_barrier" as const,
    };
    await expectError(await checkOut(exit, { ...base, sent_at: "yesterday" }), 422, "validation_failed");
    await expectError(await checkOut(exit, { ...base, received_at: "0000-01-01T00:00:00Z" }), 422, "validation_failed");
  });
});

describe("replayTime", () => {
  const now = new Date("2031-03-01T12:00:00Z");
  const bounds = { now, outageStartedAt: new Date("2031-03-01T09:00:00Z"), notBefore: null };

  it("moves the claim by the offset sent_at shows, and flags a clock off by more than the skew", () => {
    const behind = { receivedAt: new Date("2031-03-01T08:30:00Z"), sentAt: new Date("2031-03-01T09:00:00Z") }; // 3 h behind
    expect(replayTime(new Date("2031-03-01T08:30:00Z"), { ...bounds, bridgeClock: behind })).toEqual({
      at: new Date("2031-03-01T11:30:00Z"),
      adjusted: true,
    });
    const close = { receivedAt: null, sentAt: new Date("2031-03-01T11:59:50Z") }; // 10 s behind: merely clocks
    expect(replayTime(new Date("2031-03-01T11:00:00Z"), { ...bounds, bridgeClock: close })).toEqual({
      at: new Date("2031-03-01T11:00:10Z"),
      adjusted: false,
    });
  });

  it("keeps every bound after the correction", () => {
    const bridgeClock = { receivedAt: null, sentAt: new Date("2031-03-01T12:00:00Z") };
    // Before the outage began: held at its start, flagged.
    expect(replayTime(new Date("2031-03-01T08:00:00Z"), { ...bounds, bridgeClock })).toEqual({
      at: new Date("2031-03-01T09:00:00Z"),
      adjusted: true,
    });
    // After now: now.
    expect(replayTime(new Date("2031-03-01T12:30:00Z"), { ...bounds, bridgeClock }).at).toEqual(now);
  });

  it("is unchanged for a replay without the bridge's clock (an older bridge)", () => {
    expect(replayTime(new Date("2031-03-01T10:00:00Z"), bounds)).toEqual({
      at: new Date("2031-03-01T10:00:00Z"),
      adjusted: false,
    });
  });
});
