import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { beforeAll, describe, expect, it } from "vitest";
import { vehicleEnteredFunction } from "@/inngest/functions/vehicle-entered";
import { vehicleExitedFunction } from "@/inngest/functions/vehicle-exited";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import {
  bookOk,
  cancelOk,
  intentsFor,
  ledger,
  movement,
  paidBooking,
  refundsOf,
  statusOf,
  transitions,
  useStripe,
} from "./support/workflows";

// The gate event consumers (inngest/functions/vehicle-entered.ts, vehicle-exited.ts) against the
// real database and the fake Stripe API.
const stripe = useStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

type Movement = ReturnType<typeof movement>;
// The consumers take events in batches and return each one's outcome; most tests send one.
const runBatch =
  (fn: typeof vehicleEnteredFunction | typeof vehicleExitedFunction, name: string) =>
  async (...all: Movement[]) =>
    (
      await new InngestTestEngine({
        function: fn,
        events: all.map((data) => ({ name, data, id: `${name.slice(8)}:${data.event_id}` })) as never,
      }).execute()
    ).result as unknown[];
const enteredAll = runBatch(vehicleEnteredFunction, "parking/vehicle.entered");
const exitedAll = runBatch(vehicleExitedFunction, "parking/vehicle.exited");
const entered = async (data: Movement) => ({ result: (await enteredAll(data))[0] });
const exited = async (data: Movement) => ({ result: (await exitedAll(data))[0] });

// The fixture lot's compact rate is €4.00 an hour, billed in started quarter hours; overstays are
// charged past a 10-minute tolerance.
async function parkedFrom9To13() {
  const lot = await createTestLot({ counts: { compact: 1 } });
  const r = await paidBooking(driver, lot.id, at(2, 9), at(2, 13));
  expect(r.amount).toBe(1600);
  await entered(movement(r, lot.id, at(2, 9, 2)));
  return { ...r, lotId: lot.id };
}

describe("a car entering", () => {
  it("checks the reservation in at the time the gate read it", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(2, 9), at(2, 11));
    const { result } = await entered(movement(r, lot.id, at(2, 8, 55)));
    expect(result).toEqual({ outcome: "checked_in", status: "checked_in" });
    expect(await statusOf(driver, r.reservation_id)).toBe("checked_in");
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→checked_in (inngest)",
    ]);
  });

  it("changes nothing when the same entry arrives twice", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(2, 12), at(2, 14));
    const read = movement(r, lot.id, at(2, 12));
    await entered(read);
    const again = await entered(read);
    expect(again.result).toEqual({ outcome: "already_checked_in", status: "checked_in" });
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→checked_in (inngest)",
    ]);
  });

  it("ignores an entry for a reservation that cannot check in, without failing the run", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(2, 15), at(2, 16));
    await cancelOk(driver, r.reservation_id);
    const { result } = await entered(movement(r, lot.id, at(2, 15)));
    expect(result).toMatchObject({ outcome: "ignored", status: "cancelled" });
    expect(await statusOf(driver, r.reservation_id)).toBe("cancelled");
  });

  it("ignores an entry reported by another lot's gate", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const elsewhere = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(2, 17), at(2, 18));
    const { result } = await entered(movement(r, elsewhere.id, at(2, 17)));
    expect(result).toMatchObject({ outcome: "ignored", status: "confirmed" });
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
  });
});

describe("a car leaving", () => {
  it("before the booked end: completes the stay and refunds the unused time", async () => {
    const r = await parkedFrom9To13();
    // 9:00–10:20 used → 6 quarter hours → €6.00 of the €16.00 paid; €10.00 back.
    const { result } = await exited(movement(r, r.lotId, at(2, 10, 20)));
    expect(result).toMatchObject({
      outcome: "completed",
      status: "completed",
      refund_amount: 1000,
      pending_charges: 0,
      currency: "EUR",
    });
    expect(await statusOf(driver, r.reservation_id)).toBe("completed");
    expect(refundsOf(stripe(), r.reservation_id).map((x) => x.amount)).toEqual([1000]);
    expect(await ledger(r.reservation_id)).toEqual([
      ["charge", "succeeded", 1600],
      ["refund", "succeeded", 1000],
    ]);
    // The spot is free for the rest of the booked window at once.
    await bookOk(await createUser("driver"), r.lotId, at(2, 10, 30), at(2, 13));
  });

  it("changes nothing when the same exit arrives twice", async () => {
    const r = await parkedFrom9To13();
    const read = movement(r, r.lotId, at(2, 11));
    await exited(read);
    const again = await exited(read);
    expect(again.result).toMatchObject({ outcome: "already_completed", refund_amount: 0, changed: false });
    expect(refundsOf(stripe(), r.reservation_id).map((x) => x.amount)).toEqual([800]);
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→checked_in (inngest)",
      "checked_in→completed (inngest)",
    ]);
  });

  it("after the booked end and the tolerance: charges the overstay once", async () => {
    const r = await parkedFrom9To13();
    // 25 minutes over → 2 quarter hours → €2.00, off-session to the saved card.
    const read = movement(r, r.lotId, at(2, 13, 25));
    const { result } = await exited(read);
    await exited(read);
    expect(result).toMatchObject({ outcome: "completed", refund_amount: 0, pending_charges: 200 });
    expect(intentsFor(stripe(), r.reservation_id).map((pi) => [pi.amount, pi.status])).toEqual([
      [1600, "succeeded"],
      [200, "succeeded"],
    ]);
    expect(await ledger(r.reservation_id)).toEqual([
      ["charge", "succeeded", 1600],
      ["adjustment", "succeeded", 200],
    ]);
  });

  it("records the entry too when the exit is processed before it", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(2, 19), at(2, 21));
    const { result } = await exited(movement(r, lot.id, at(2, 21)));
    expect(result).toMatchObject({ outcome: "completed", refund_amount: 0 });
    // The late entry event then changes nothing.
    expect((await entered(movement(r, lot.id, at(2, 19)))).result).toEqual({
      outcome: "already_checked_in",
      status: "completed",
    });
  });

  it("ignores an exit for a reservation that was never used, without failing the run", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(2, 22), at(2, 23));
    await cancelOk(driver, r.reservation_id);
    const { result } = await exited(movement(r, lot.id, at(2, 23)));
    expect(result).toMatchObject({ outcome: "ignored", status: "cancelled" });
  });
});

describe("a batch of events in one run", () => {
  it("checks in the cars of one batch together and tells each event's outcome, as one at a time would", async () => {
    const lot = await createTestLot({ counts: { compact: 3 } });
    const elsewhere = await createTestLot({ counts: { compact: 1 } });
    const a = await paidBooking(driver, lot.id, at(2, 9), at(2, 11));
    const b = await paidBooking(driver, lot.id, at(2, 9), at(2, 11));
    const cancelled = await paidBooking(driver, lot.id, at(2, 9), at(2, 11));
    await cancelOk(driver, cancelled.reservation_id);
    const wrongLot = await paidBooking(driver, elsewhere.id, at(2, 9), at(2, 11));
    const readA = movement(a, lot.id, at(2, 9, 1));
    const outcomes = await enteredAll(
      readA,
      movement(b, lot.id, at(2, 9, 2)),
      { ...readA, event_id: "second-camera" },
      movement(cancelled, lot.id, at(2, 9, 3)),
      movement(wrongLot, lot.id, at(2, 9, 4)),
      movement({ reservation_id: randomUUID() }, lot.id, at(2, 9, 5)),
    );
    expect(outcomes).toEqual([
      { outcome: "checked_in", status: "checked_in" },
      { outcome: "checked_in", status: "checked_in" },
      { outcome: "already_checked_in", status: "checked_in" },
      { outcome: "ignored", status: "cancelled", reason: "A cancelled reservation cannot check in" },
      { outcome: "ignored", status: "confirmed", reason: `The reservation is for another lot (${elsewhere.id})` },
      { outcome: "ignored", status: "missing", reason: "No such reservation" },
    ]);
    expect(await transitions(a.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→checked_in (inngest)",
    ]);
    // The same events again: nothing moves twice.
    expect((await enteredAll(readA)).map((o) => (o as { outcome: string }).outcome)).toEqual(["already_checked_in"]);
  });

  it("checks out the cars of one batch together and settles their money before the run ends", async () => {
    const early = await parkedFrom9To13();
    const late = await parkedFrom9To13();
    const readEarly = movement(early, early.lotId, at(2, 10, 20));
    const outcomes = (await exitedAll(readEarly, movement(late, late.lotId, at(2, 13, 25)), {
      ...readEarly,
      event_id: "second-camera",
    })) as { outcome: string; refund_amount?: number; pending_charges?: number }[];
    expect(outcomes.map((o) => [o.outcome, o.refund_amount, o.pending_charges])).toEqual([
      ["completed", 1000, 0],
      ["completed", 0, 200],
      ["already_completed", 0, 0],
    ]);
    // Settled within the run (no background left to wait for): the refund and the overstay charge.
    expect(await ledger(early.reservation_id)).toEqual([
      ["charge", "succeeded", 1600],
      ["refund", "succeeded", 1000],
    ]);
    expect(intentsFor(stripe(), late.reservation_id).map((pi) => [pi.amount, pi.status])).toEqual([
      [1600, "succeeded"],
      [200, "succeeded"],
    ]);
    expect(await transitions(early.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→checked_in (inngest)",
      "checked_in→completed (inngest)",
    ]);
  });
});
