import { beforeAll, describe, expect, it } from "vitest";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { bookOk, cancel, ledger, paidBooking, paidNet, transitions, type CancelJson } from "./support/driver-api";
import { useFakeStripe } from "./support/use-fake-stripe";

// PUT /v1/reservations/{id}/cancel on paid bookings: what comes back, and what Stripe was asked.
const stripe = useFakeStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

async function cancelOk(user: TestUser, id: string) {
  const res = await cancel(user, id);
  expect(res.status).toBe(200);
  return (await res.json()) as CancelJson;
}

/** A minute-aligned instant `minutes` from now. */
const inMinutes = (minutes: number) => new Date(Math.ceil(Date.now() / 60_000) * 60_000 + minutes * 60_000);

describe("cancelling a paid booking", () => {
  it("refunds everything that was paid when cancelled before the start, with an idempotency key", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(3, 9), at(3, 12));
    expect(r.amount).toBe(1200);
    const [pi] = stripe().intentsFor(r.reservation_id);

    expect(await cancelOk(driver, r.reservation_id)).toEqual({
      reservation_id: r.reservation_id,
      status: "cancelled",
      refund_amount: 1200,
      currency: "EUR",
      refund_status: "succeeded",
    });

    const [refund, ...more] = stripe().refundsFor(pi!.id);
    expect(more).toEqual([]);
    expect(refund).toMatchObject({ amount: 1200, status: "succeeded" });
    const [request] = stripe()
      .posts("/v1/refunds")
      .filter((q) => q.body.payment_intent === pi!.id);
    expect(request!.body).toMatchObject({ amount: "1200", payment_intent: pi!.id });
    expect(request!.idempotencyKey).toContain(r.reservation_id);

    const rows = await ledger(r.reservation_id);
    expect(rows.map((p) => [p.kind, p.status, p.amount, p.stripeRefundId])).toEqual([
      ["charge", "succeeded", 1200, null],
      ["refund", "succeeded", 1200, refund!.id],
    ]);
    expect(await paidNet(r.reservation_id)).toBe(0);
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→cancelled (driver)",
    ]);
  });

  it("refunds the lot's late share when cancelled inside its full-refund window", async () => {
    const lot = await createTestLot({
      counts: { compact: 1 },
      cancel_full_refund_minutes_before: 60,
      cancel_late_refund_percent: 50,
    });
    const start = inMinutes(30);
    const r = await paidBooking(driver, lot.id, start, new Date(start.getTime() + 2 * 3_600_000));
    expect(r.amount).toBe(800);

    expect(await cancelOk(driver, r.reservation_id)).toMatchObject({ status: "cancelled", refund_amount: 400 });
    const [pi] = stripe().intentsFor(r.reservation_id);
    expect(
      stripe()
        .refundsFor(pi!.id)
        .map((x) => x.amount),
    ).toEqual([400]);
    expect(await paidNet(r.reservation_id)).toBe(400);
  });

  it("rounds the late share down to a whole minor unit", async () => {
    const lot = await createTestLot({
      counts: { compact: 1 },
      cancel_full_refund_minutes_before: 60,
      cancel_late_refund_percent: 50,
      // 7 per minute: whole minor units per minute, so the price is exact even if the window
      // happens to cross the lot's midnight (where the quote cuts a line item).
      hourly_rates: { compact: 420, large: 500, ev: 400, handicapped: 300 },
    });
    const start = inMinutes(20);
    const r = await paidBooking(driver, lot.id, start, new Date(start.getTime() + 15 * 60_000));
    expect(r.amount).toBe(105);
    expect(await cancelOk(driver, r.reservation_id)).toMatchObject({ refund_amount: 52 });
    expect(await paidNet(r.reservation_id)).toBe(53);
  });

  it("refunds in full on the same lot when cancelled more than the window ahead", async () => {
    const lot = await createTestLot({
      counts: { compact: 1 },
      cancel_full_refund_minutes_before: 60,
      cancel_late_refund_percent: 50,
    });
    const r = await paidBooking(driver, lot.id, at(3, 13), at(3, 15));
    expect(await cancelOk(driver, r.reservation_id)).toMatchObject({ refund_amount: r.amount });
    expect(await paidNet(r.reservation_id)).toBe(0);
  });

  it("refunds once when cancelled twice, answering the same result", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(3, 16), at(3, 17));
    const first = await cancelOk(driver, r.reservation_id);
    const second = await cancelOk(driver, r.reservation_id);
    expect(second).toEqual(first);
    expect(first.refund_amount).toBe(r.amount);

    const [pi] = stripe().intentsFor(r.reservation_id);
    expect(stripe().refundsFor(pi!.id)).toHaveLength(1);
    expect((await ledger(r.reservation_id)).filter((p) => p.kind === "refund")).toHaveLength(1);
    expect(await paidNet(r.reservation_id)).toBe(0);
  });

  it("refunds once when the same booking is cancelled five times at once", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(3, 18), at(3, 20));
    const results = await Promise.all(Array.from({ length: 5 }, () => cancelOk(driver, r.reservation_id)));
    expect(results.map((x) => x.refund_amount)).toEqual(Array(5).fill(r.amount));

    const [pi] = stripe().intentsFor(r.reservation_id);
    expect(
      stripe()
        .refundsFor(pi!.id)
        .map((x) => x.amount),
    ).toEqual([r.amount]);
    expect((await ledger(r.reservation_id)).filter((p) => p.kind === "refund")).toHaveLength(1);
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→cancelled (driver)",
    ]);
  });

  it("refunds nothing, and asks Stripe nothing, for an unpaid hold", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(3, 21), at(3, 22));
    expect(await cancelOk(driver, r.reservation_id)).toMatchObject({ status: "cancelled", refund_amount: 0 });
    expect(stripe().intentsFor(r.reservation_id)).toEqual([]);
    expect(await ledger(r.reservation_id)).toEqual([]);
  });
});
