import { eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { myReservation } from "@/db/queries/my-reservations";
import { findReservation } from "@/db/queries/reservations";
import { reservations, spotMoves } from "@/db/schema";
import { syncGatePass } from "@/lib/gates/sync-gate-pass";
import { createInProcessScheduler, type InProcessScheduler } from "@/lib/workflows/in-process-scheduler";
import { testPeople } from "./fixtures";
import {
  checkInOk,
  checkOutOk,
  gatedLot,
  gatesSettled,
  minutesFromNow,
  moveWindow,
  paidPlateBooking,
  uniquePlate,
  useQrSigningKey,
} from "./support/gates";
import { statusOf, useOwnDatabase, useStripe } from "./support/workflows";

// A car overstays into the next booking of its spot: the scheduler's sweep (the same function the
// Inngest backstop cron runs as a step) moves that booking to a free spot of its type before its
// driver arrives, or flags it. The sweep covers the whole database, so this file has its own.
await useOwnDatabase();
useStripe();
useQrSigningKey();

const { driver, operator } = testPeople();
afterAll(gatesSettled);

const schedulers: InProcessScheduler[] = [];
const sweep = () => {
  const s = createInProcessScheduler({ getDb, intervalMs: 10 });
  schedulers.push(s);
  return s.sweep();
};
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
});

/** Puts a booking on a given spot, as if the allocator had chosen it (the allocator starts at a random label). */
async function placeOn(reservationId: string, spotId: string) {
  const db = await getDb();
  await db.update(reservations).set({ spotId }).where(eq(reservations.id, reservationId));
  await syncGatePass(db, [reservationId]);
}

/** A lot of two compact spots whose first car checked in and is now past its end plus the 10-minute tolerance (`overBy` minutes). */
async function overstayingCar(overBy: number) {
  const gates = await gatedLot(operator, { counts: { compact: 2 } });
  const plate = uniquePlate();
  const car = await paidPlateBooking(driver, gates.lot.id, minutesFromNow(5), minutesFromNow(65), plate);
  await checkInOk(gates.entry, { identifier: plate, confidence: 0.97 });
  await gatesSettled();
  await moveWindow(car.reservation_id, minutesFromNow(-120), minutesFromNow(-overBy));
  return { ...gates, car, plate };
}

describe("a car overstaying into the next booking of its spot", () => {
  it("moves the next booking to a free spot of its type before its driver arrives, once, and the gate and My reservations name the new spot", async () => {
    const db = await getDb();
    const { lot, entry, car } = await overstayingCar(11);
    const plate = uniquePlate();
    const next = await paidPlateBooking(driver, lot.id, minutesFromNow(10), minutesFromNow(120), plate);
    await placeOn(next.reservation_id, car.spot_id);

    const result = await sweep();
    expect(result.overstayMoves).toEqual({ moved: [next.reservation_id], flagged: [] });
    const moved = (await findReservation(db, next.reservation_id))!;
    expect(moved.spotId).not.toBe(car.spot_id);
    expect(moved.status).toBe("confirmed");
    expect(await db.select().from(spotMoves).where(eq(spotMoves.reservationId, next.reservation_id))).toMatchObject([
      { fromSpotId: car.spot_id, toSpotId: moved.spotId, reason: "overstay", resolvedAt: null },
    ]);

    // Told in My reservations…
    const mine = (await myReservation(db, next.reservation_id))!;
    expect(mine.spotLabel).toBe(moved.spotLabel);
    expect(mine.spotChange).toEqual({ reason: "overstay", from: car.spot_label, flagged: false });
    // …and at the barrier: the pass was rewritten after the commit, so the plate opens for the new spot.
    await gatesSettled();
    const answer = await checkInOk(entry, { identifier: plate, confidence: 0.97 });
    expect(answer).toMatchObject({
      action: "open_barrier",
      reservation_id: next.reservation_id,
      spot_label: moved.spotLabel,
    });
    expect(answer.message).toContain(`Your spot is ${moved.spotLabel}`);

    // The next sweep finds nothing: the booking is no longer on the overstayed spot.
    expect((await sweep()).overstayMoves).toEqual({ moved: [], flagged: [] });
  });

  it("leaves a booking within the tolerance, or starting later than the next hour, where it is", async () => {
    const db = await getDb();
    const { lot, car } = await overstayingCar(9); // 9 minutes over a 10-minute tolerance
    const next = await paidPlateBooking(driver, lot.id, minutesFromNow(10), minutesFromNow(120), uniquePlate());
    await placeOn(next.reservation_id, car.spot_id);
    const later = await overstayingCar(30);
    const farOff = await paidPlateBooking(driver, later.lot.id, minutesFromNow(90), minutesFromNow(180), uniquePlate());
    await placeOn(farOff.reservation_id, later.car.spot_id);

    expect((await sweep()).overstayMoves).toEqual({ moved: [], flagged: [] });
    expect((await findReservation(db, next.reservation_id))!.spotId).toBe(car.spot_id);
    expect((await findReservation(db, farOff.reservation_id))!.spotId).toBe(later.car.spot_id);
  });

  it("flags the next booking when no spot of its type is free, tells its driver, and clears the flag once the car has left", async () => {
    const db = await getDb();
    const { lot, exit, car, plate: carPlate } = await overstayingCar(15);
    // Both spots are booked from ten minutes on; the one on the overstayed spot is "next".
    const two = [
      await paidPlateBooking(driver, lot.id, minutesFromNow(10), minutesFromNow(120), uniquePlate()),
      await paidPlateBooking(driver, lot.id, minutesFromNow(10), minutesFromNow(120), uniquePlate()),
    ];
    const next = two.find((b) => b.spot_id === car.spot_id)!;

    expect((await sweep()).overstayMoves).toEqual({ moved: [], flagged: [next.reservation_id] });
    expect((await findReservation(db, next.reservation_id))!.spotId).toBe(car.spot_id);
    expect((await myReservation(db, next.reservation_id))!.spotChange).toEqual({
      reason: "overstay",
      from: car.spot_label,
      flagged: true,
    });
    // Retried each sweep (a spot may come free), still one row.
    expect((await sweep()).overstayMoves).toEqual({ moved: [], flagged: [next.reservation_id] });
    expect(await db.select().from(spotMoves).where(eq(spotMoves.reservationId, next.reservation_id))).toHaveLength(1);

    // The overstaying car leaves: the flag is resolved and the driver is no longer warned.
    await checkOutOk(exit, { identifier: carPlate, confidence: 0.97 });
    await gatesSettled();
    expect(await statusOf(driver, car.reservation_id)).toBe("completed");
    expect((await sweep()).overstayMoves).toEqual({ moved: [], flagged: [] });
    expect((await myReservation(db, next.reservation_id))!.spotChange).toBeNull();
  });
});
