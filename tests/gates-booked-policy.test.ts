import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { lots } from "@/db/schema";
import { testPeople } from "./fixtures";
import { ledger } from "./support/driver-api";
import {
  checkInOk,
  checkOutOk,
  createGate,
  gatedLot,
  gatesSettled,
  minutesFromNow,
  moveWindow,
  paidPlateBooking,
  uniquePlate,
  useQrSigningKey,
} from "./support/gates";
import { useFakeStripe } from "./support/use-fake-stripe";

// The gate applies the terms shown at booking (reservations.policy, carried in the gate pass), not
// the lot's as an operator edits them later: the entry grace, the overstay tolerance and its cap.
// A gate created after the edit is used for the reads, so the gate surely sees the edited lot.
useFakeStripe();
useQrSigningKey();

const { driver, operator } = testPeople();
afterAll(gatesSettled);

const editLot = async (lotId: string, patch: Partial<typeof lots.$inferInsert>) =>
  (await getDb()).update(lots).set(patch).where(eq(lots.id, lotId));

describe("a lot edited after the booking", () => {
  it("still lets the car in within the grace shown at booking", async () => {
    const { lot } = await gatedLot(operator, { grace_minutes: 30 });
    const plate = uniquePlate();
    const r = await paidPlateBooking(driver, lot.id, minutesFromNow(5), minutesFromNow(125), plate);
    // Started 20 minutes ago: inside the 30 minutes' grace it was booked with, past the 5 the lot has now.
    await moveWindow(r.reservation_id, minutesFromNow(-20), minutesFromNow(100));
    await editLot(lot.id, { graceMinutes: 5 });
    const entry = await createGate(operator, lot.id, "entry");
    expect(await checkInOk(entry, { identifier: plate })).toMatchObject({
      action: "open_barrier",
      reservation_id: r.reservation_id,
    });
  });

  it("charges the overstay with the tolerance shown at booking, at the barrier and on the card", async () => {
    const { lot, entry } = await gatedLot(operator, { overstay_tolerance_minutes: 10 });
    const plate = uniquePlate();
    const r = await paidPlateBooking(driver, lot.id, minutesFromNow(5), minutesFromNow(245), plate);
    await checkInOk(entry, { identifier: plate });
    await gatesSettled();
    // Ended 30 minutes ago: past the 10 minutes' tolerance it was booked with, within the 60 the lot has now.
    await moveWindow(r.reservation_id, minutesFromNow(-210), minutesFromNow(-30));
    await editLot(lot.id, { overstayToleranceMinutes: 60 });
    const exit = await createGate(operator, lot.id, "exit");
    // 3 started quarter hours at €4.00 an hour.
    expect(await checkOutOk(exit, { identifier: plate })).toMatchObject({
      action: "open_barrier",
      pending_charges: 300,
    });
    await gatesSettled();
    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status, p.amount])).toEqual([
      ["charge", "succeeded", 1600],
      ["adjustment", "succeeded", 300],
    ]);
  });
});
