import { InngestTestEngine } from "@inngest/test";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { paymentHoldExpiryFunction } from "@/inngest/functions/payment-hold-expiry";
import { createReservation } from "@/lib/reservations/create-reservation";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { book, bookOk, paidBooking, statusOf, transitions, useStripe } from "./support/workflows";

// The payment-hold-expiry workflow (inngest/functions/payment-hold-expiry.ts) against the real
// database, its sleep mocked.
useStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

/** An unpaid booking made `minutesAgo` minutes ago, so its hold (the lot's 10 minutes) has ended if that is over 10. */
async function holdBookedAgo(lotId: string, minutesAgo: number, start = at(2, 9), end = at(2, 11)) {
  const booked = new Date(Date.now() - minutesAgo * 60_000);
  const input = {
    lot_id: lotId,
    vehicle_type: "compact" as const,
    start_time: start.toISOString(),
    end_time: end.toISOString(),
  };
  const r = await createReservation(await getDb(), driver, input, booked);
  return { reservation_id: r.id, hold_expires_at: r.holdExpiresAt!.toISOString() };
}

function run(r: { reservation_id: string; hold_expires_at: string }) {
  const t = new InngestTestEngine({
    function: paymentHoldExpiryFunction,
    events: [{ name: "parking/reservation.created", data: r, id: `reservation.created:${r.reservation_id}` }] as never,
    steps: [{ id: "wait-for-hold-end", handler: () => undefined }],
  });
  return t.execute();
}

describe("the payment hold expiry workflow", () => {
  it("expires a hold nobody paid and gives the spot to the next driver", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await holdBookedAgo(lot.id, 11);
    const other = await createUser("driver");

    const { result } = await run(r);
    expect(result).toEqual({ outcome: "expired", status: "expired" });
    expect(await statusOf(driver, r.reservation_id)).toBe("expired");
    expect(await transitions(r.reservation_id)).toEqual(["pending_payment→expired (inngest)"]);
    await bookOk(other, lot.id, at(2, 9), at(2, 11));
  });

  it("changes nothing when the same event is delivered twice", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await holdBookedAgo(lot.id, 11);
    await run(r);
    const again = await run(r);
    expect(again.result).toEqual({ outcome: "not_pending", status: "expired" });
    expect(await transitions(r.reservation_id)).toEqual(["pending_payment→expired (inngest)"]);
  });

  it("leaves a paid reservation alone", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const paid = await paidBooking(driver, lot.id, at(2, 12), at(2, 13));
    const { result } = await run({ reservation_id: paid.reservation_id, hold_expires_at: new Date().toISOString() });
    expect(result).toEqual({ outcome: "not_pending", status: "confirmed" });
    expect(await statusOf(driver, paid.reservation_id)).toBe("confirmed");
  });

  it("sleeps again until the hold's real end when it woke before it", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await holdBookedAgo(lot.id, 0);
    const t = new InngestTestEngine({
      function: paymentHoldExpiryFunction,
      events: [
        { name: "parking/reservation.created", data: r, id: `reservation.created:${r.reservation_id}` },
      ] as never,
      steps: [{ id: "wait-for-hold-end", handler: () => undefined }],
    });
    const check = await t.executeStep("expire-hold-if-unpaid");
    expect(check.result).toEqual({ outcome: "not_due", status: "pending_payment", deadline: r.hold_expires_at });
    const again = await t.executeStep("wait-for-hold-end-2");
    expect(again.step).toMatchObject({ op: "Sleep", name: r.hold_expires_at });
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
    // Still held: nobody else gets the spot.
    expect((await book(await createUser("driver"), lot.id, at(2, 9), at(2, 11))).status).toBe(409);
  });

  it("ends its wait when the same reservation is paid or cancelled, and only then", () => {
    const same = "event.data.reservation_id == async.data.reservation_id";
    expect(
      paymentHoldExpiryFunction.opts.cancelOn?.map((c) => [typeof c.event === "string" ? c.event : c.event.name, c.if]),
    ).toEqual([
      ["parking/reservation.confirmed", same],
      ["parking/reservation.cancelled", same],
    ]);
  });
});
