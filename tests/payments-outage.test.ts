import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { payments, reservations } from "@/db/schema";
import { sweepPendingPayments } from "@/lib/payments/sweep-pending";
import { at, createTestLot, createUser, expectError, type TestUser } from "./fixtures";
import {
  book,
  bookOk,
  cancel,
  ledger,
  paidBooking,
  paidNet,
  pay,
  payOk,
  statusOf,
  transitions,
  type CancelJson,
  type ReservationJson,
} from "./support/driver-api";
import { useFakeStripe } from "./support/use-fake-stripe";

// Stripe answering 500s (the SDK retries twice with the same Idempotency-Key, then gives up), and
// answers lost after Stripe did the work. Nothing may be charged twice; the driver's retry or the
// sweeper finishes what was left pending.
const stripe = useFakeStripe();

let driver: TestUser;
let otherDriver: TestUser;

beforeAll(async () => {
  [driver, otherDriver] = await Promise.all([createUser("driver"), createUser("driver")]);
});

const CONFIRM = /^POST \/v1\/payment_intents\/[^/]+\/confirm$/;
const SDK_ATTEMPTS = 3; // stripeClient: maxNetworkRetries 2
// Stripe-Should-Retry: false makes the SDK give up at once. Used where what is tested is Spotkeeper's
// recovery, not the SDK's retrying (the first tests cover that), to spare its back-off of ~1 s.
const NO_RETRY = { shouldRetry: false };

const payBody = (r: ReservationJson, pm = "pm_card_visa") => ({
  reservation_id: r.reservation_id,
  amount: r.amount,
  payment_method_id: pm,
});

async function expectUnavailable(res: Response) {
  const err = await expectError(res, 503, "payments_unavailable");
  expect(err.details).toEqual({ retryable: true });
}

/**
 * The sweeper takes every pending row older than its threshold in the whole (shared) database. Rows
 * of this file are dated back an hour and swept with a 30-minute threshold, so concurrently running
 * test files, whose rows are seconds old, are left alone.
 */
async function sweepAfterAnHour(reservationId: string) {
  const db = await getDb();
  await db
    .update(payments)
    .set({ createdAt: sql`now() - interval '1 hour'` })
    .where(and(eq(payments.reservationId, reservationId), eq(payments.status, "pending")));
  return sweepPendingPayments(db, 30 * 60);
}

describe("Stripe failing while a driver pays", () => {
  it("answers 503 payments_unavailable, retryable, when confirming fails past the SDK's retries; nothing is charged", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(3, 9), at(3, 11));
    stripe().failNextRequests(SDK_ATTEMPTS, { path: CONFIRM });
    await expectUnavailable(await pay(driver, payBody(r)));

    const [pi, ...more] = stripe().intentsFor(r.reservation_id);
    expect(more).toEqual([]);
    const confirms = stripe().posts(`/v1/payment_intents/${pi!.id}/confirm`);
    expect(confirms).toHaveLength(SDK_ATTEMPTS);
    expect(new Set(confirms.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(pi).toMatchObject({ status: "requires_payment_method", amount_received: 0 });
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
    expect(await paidNet(r.reservation_id)).toBe(0);
  });

  it("charges once when the driver retries after the outage", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(3, 12), at(3, 14));
    stripe().failNextRequests(1, { path: CONFIRM, ...NO_RETRY });
    await expectUnavailable(await pay(driver, payBody(r)));

    const paid = await payOk(driver, r);
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
    const [pi, ...more] = stripe().intentsFor(r.reservation_id);
    expect(more).toEqual([]);
    expect(pi).toMatchObject({ status: "succeeded", amount_received: r.amount });
    expect((await ledger(r.reservation_id)).map((p) => [p.id, p.kind, p.status, p.amount])).toEqual([
      [paid.transaction_id, "charge", "succeeded", r.amount],
    ]);
    expect(await transitions(r.reservation_id)).toEqual(["pending_payment→confirmed (payment)"]);
  });

  it("creates one PaymentIntent when the answer to creating it was lost", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(3, 15), at(3, 16));
    stripe().failNextRequests(SDK_ATTEMPTS, { path: /^POST \/v1\/payment_intents$/, afterProcessing: true });
    await expectUnavailable(await pay(driver, payBody(r)));
    expect(stripe().intentsFor(r.reservation_id)).toHaveLength(1);

    await payOk(driver, r);
    const [pi, ...more] = stripe().intentsFor(r.reservation_id);
    expect(more).toEqual([]);
    expect(pi).toMatchObject({ status: "succeeded", amount_received: r.amount });
  });

  it("confirms, charging once, when the driver retries a payment whose answer was lost after Stripe charged", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(3, 17), at(3, 18));
    stripe().failNextRequests(SDK_ATTEMPTS, { path: CONFIRM, afterProcessing: true });
    await expectUnavailable(await pay(driver, payBody(r)));
    const [pi] = stripe().intentsFor(r.reservation_id);
    expect(pi).toMatchObject({ status: "succeeded", amount_received: r.amount }); // the money did move
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");

    const paid = await payOk(driver, r);
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
    expect(stripe().intentsFor(r.reservation_id)).toHaveLength(1);
    expect(pi!.amount_received).toBe(r.amount);
    expect((await ledger(r.reservation_id)).map((p) => [p.id, p.kind, p.status])).toEqual([
      [paid.transaction_id, "charge", "succeeded"],
    ]);
    expect(await paidNet(r.reservation_id)).toBe(r.amount);
  });
});

describe("the sweeper", () => {
  it("confirms a booking whose payment answer was lost, from the PaymentIntent's real state", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(4, 9), at(4, 10));
    stripe().failNextRequests(1, { path: CONFIRM, afterProcessing: true, ...NO_RETRY });
    await expectUnavailable(await pay(driver, payBody(r)));
    expect((await ledger(r.reservation_id)).map((p) => p.status)).toEqual(["pending"]);

    expect(await sweepAfterAnHour(r.reservation_id)).toEqual({ settled: 1 });
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
    expect(await transitions(r.reservation_id)).toEqual(["pending_payment→confirmed (scheduler)"]);
    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status, p.amount])).toEqual([
      ["charge", "succeeded", r.amount],
    ]);
    expect(stripe().intentsFor(r.reservation_id)).toEqual([expect.objectContaining({ amount_received: r.amount })]);

    // A second sweep and a late retry by the driver change nothing.
    expect(await sweepAfterAnHour(r.reservation_id)).toEqual({ settled: 0 });
    await payOk(driver, r);
    expect((await ledger(r.reservation_id)).filter((p) => p.kind === "charge")).toHaveLength(1);
  });

  it("closes an attempt that never reached Stripe as abandoned, and the driver can still pay once", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(4, 11), at(4, 12));
    stripe().failNextRequests(1, { path: CONFIRM, ...NO_RETRY });
    await expectUnavailable(await pay(driver, payBody(r)));

    expect(await sweepAfterAnHour(r.reservation_id)).toEqual({ settled: 1 });
    expect((await ledger(r.reservation_id)).map((p) => [p.status, p.failureCode])).toEqual([["failed", "abandoned"]]);
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");

    const paid = await payOk(driver, r);
    expect((await ledger(r.reservation_id)).map((p) => [p.id, p.status])).toEqual([[paid.transaction_id, "succeeded"]]);
    expect(stripe().intentsFor(r.reservation_id)).toEqual([expect.objectContaining({ amount_received: r.amount })]);
  });

  it("keeps the spot for a hold whose payment is in flight, even past the hold's deadline", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(4, 13), at(4, 14));
    stripe().failNextRequests(1, { path: CONFIRM, afterProcessing: true, ...NO_RETRY });
    await expectUnavailable(await pay(driver, payBody(r)));
    const db = await getDb();
    await db
      .update(reservations)
      .set({ holdExpiresAt: new Date(Date.now() - 60_000) })
      .where(eq(reservations.id, r.reservation_id));

    // Stripe may have said yes (here it did): the spot must still be this driver's.
    await expectError(await book(otherDriver, lot.id, at(4, 13), at(4, 14)), 409, "no_spot_available");
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
    await sweepAfterAnHour(r.reservation_id);
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
  });

  it("finishes a cancellation refund that Stripe failed to take, exactly once", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(5, 9), at(5, 11));
    const [pi] = stripe().intentsFor(r.reservation_id);
    stripe().failNextRequests(1, { path: /^POST \/v1\/refunds$/, ...NO_RETRY });

    const res = await cancel(driver, r.reservation_id);
    expect(res.status).toBe(200);
    expect((await res.json()) as CancelJson).toMatchObject({ status: "cancelled", refund_amount: r.amount });
    expect(stripe().refundsFor(pi!.id)).toEqual([]);
    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status])).toEqual([
      ["charge", "succeeded"],
      ["refund", "pending"],
    ]);

    expect(await sweepAfterAnHour(r.reservation_id)).toEqual({ settled: 1 });
    expect(await sweepAfterAnHour(r.reservation_id)).toEqual({ settled: 0 });
    expect(stripe().refundsFor(pi!.id)).toEqual([expect.objectContaining({ amount: r.amount, status: "succeeded" })]);
    // (Sorted: dating the refund back an hour put it before the charge in the ledger's order.)
    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status, p.amount]).sort()).toEqual([
      ["charge", "succeeded", r.amount],
      ["refund", "succeeded", r.amount],
    ]);
    expect(await paidNet(r.reservation_id)).toBe(0);
  });
});
