import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as lotLedgerRoute } from "@/app/v1/lots/[id]/payments/route";
import { getDb } from "@/db/client";
import { payments, reservations } from "@/db/schema";
import { insertLedgerRow } from "@/db/queries/payments";
import { settle } from "@/lib/payments/money-movements";
import { sweepPendingPayments } from "@/lib/payments/sweep-pending";
import { apiRequest, at, createTestLot, routeContext, testPeople } from "./fixtures";
import { cancel, ledger, paidBooking } from "./support/driver-api";
import { sweepRowsOf } from "./support/sweep";
import { useFakeStripe } from "./support/use-fake-stripe";

// One money movement the processor keeps refusing must not block the others, and must never turn
// an answer that was already committed (a cancellation) into a 500.
const stripe = useFakeStripe();

const { driver, operator } = testPeople();

const NOT_REFUNDABLE = {
  type: "invalid_request_error",
  code: "charge_not_refundable",
  message: "This charge cannot be refunded (dispute open).",
};
const AUTH = { type: "invalid_request_error", code: "api_key_expired", message: "Expired API Key provided" };

describe("a refund the processor refuses", () => {
  it("answers the cancel 200 with the refund pending, never 500 after the cancellation committed", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(5, 9), at(5, 11));
    const pi = stripe().intentsFor(r.reservation_id)[0]!.id;
    stripe().refuse(new RegExp(`^POST /v1/refunds .*payment_intent=${pi}`), 401, AUTH);
    try {
      const res = await cancel(driver, r.reservation_id);
      expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
      expect(await res.json()).toMatchObject({
        status: "cancelled",
        refund_amount: r.amount,
        refund_status: "pending",
      });
      const [, refund] = await ledger(r.reservation_id);
      expect(refund).toMatchObject({ kind: "refund", status: "pending", attempts: 1 });
      expect(refund!.lastError).toContain("Expired API Key");
      // Asking again answers the same, still pending.
      const again = await cancel(driver, r.reservation_id);
      expect(again.status).toBe(200);
    } finally {
      stripe().clearRefusals();
    }
  });

  it("parks a refund the processor refuses outright as needs_attention with the reason, shown on the lot's ledger", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(5, 12), at(5, 14));
    const pi = stripe().intentsFor(r.reservation_id)[0]!.id;
    stripe().refuse(new RegExp(`^POST /v1/refunds .*payment_intent=${pi}`), 400, NOT_REFUNDABLE);
    try {
      const res = await cancel(driver, r.reservation_id);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ refund_status: "needs_attention" });
    } finally {
      stripe().clearRefusals();
    }
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const q = new URLSearchParams({ from, to });
    const res = await lotLedgerRoute(
      apiRequest("GET", `/v1/lots/${lot.id}/payments?${q}`, { token: operator.token }),
      routeContext({ id: lot.id }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data: { kind: string; status: string; last_error: string | null }[];
      totals: Record<string, number>;
    };
    const refund = body.data.find((p) => p.kind === "refund")!;
    expect(refund).toMatchObject({ status: "needs_attention" });
    expect(refund.last_error).toContain("cannot be refunded");
    expect(body.totals.needs_attention).toBe(r.amount);
  });
});

describe("the sweeper", () => {
  it("settles later rows while one row keeps failing, backs the failing one off and finally parks it", async () => {
    const lot = await createTestLot({ counts: { compact: 2 } });
    const bad = await paidBooking(driver, lot.id, at(6, 9), at(6, 11));
    const good = await paidBooking(driver, lot.id, at(6, 9), at(6, 11));
    const badPi = stripe().intentsFor(bad.reservation_id)[0]!.id;
    const goodPi = stripe().intentsFor(good.reservation_id)[0]!.id;
    // Both refunds fail at cancel time (processor down for both), then only `bad` keeps failing.
    stripe().refuse(/^POST \/v1\/refunds /, 401, AUTH);
    expect((await cancel(driver, bad.reservation_id)).status).toBe(200);
    expect((await cancel(driver, good.reservation_id)).status).toBe(200);
    stripe().clearRefusals();
    stripe().refuse(new RegExp(`^POST /v1/refunds .*payment_intent=${badPi}`), 401, AUTH);
    try {
      await sweepRowsOf([bad.reservation_id, good.reservation_id]);
      expect((await ledger(good.reservation_id)).map((p) => [p.kind, p.status]).sort()).toEqual([
        ["charge", "succeeded"],
        ["refund", "succeeded"],
      ]);
      expect(stripe().refundsFor(goodPi)).toHaveLength(1);
      // The failing row is not retried before its back-off ends...
      const before = stripe().posts("/v1/refunds").length;
      await sweepPendingPayments(await getDb(), 30 * 60);
      expect(stripe().posts("/v1/refunds").length).toBe(before);
      // ...and after enough attempts it waits for an operator instead of being retried forever.
      for (let i = 0; i < 6; i++) await sweepRowsOf([bad.reservation_id]);
      const refund = (await ledger(bad.reservation_id)).find((p) => p.kind === "refund");
      expect(refund).toMatchObject({ status: "needs_attention" });
      expect(refund!.lastError).toContain("Expired API Key");
    } finally {
      stripe().clearRefusals();
    }
    expect(stripe().refundsFor(badPi)).toHaveLength(0);
  });
});

describe("a retry after Stripe's 24-hour idempotency window", () => {
  async function ageRows(reservationId: string, hours: number) {
    const db = await getDb();
    await db
      .update(payments)
      .set({ createdAt: sql`now() - make_interval(hours => ${hours})`, nextAttemptAt: null })
      .where(and(eq(payments.reservationId, reservationId), eq(payments.status, "pending")));
  }

  it("finds the refund Stripe already made (its answer was lost) instead of refunding twice", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(9, 9), at(9, 10));
    const pi = stripe().intentsFor(r.reservation_id)[0]!.id;
    stripe().failNextRequests(1, { path: /^POST \/v1\/refunds$/, afterProcessing: true, shouldRetry: false });
    expect(await (await cancel(driver, r.reservation_id)).json()).toMatchObject({ refund_status: "pending" });
    expect(stripe().refundsFor(pi)).toHaveLength(1);

    await ageRows(r.reservation_id, 25);
    stripe().forgetIdempotencyKeys();
    await sweepPendingPayments(await getDb(), 30 * 60);

    const [made, ...more] = stripe().refundsFor(pi);
    expect(more).toEqual([]);
    const refund = (await ledger(r.reservation_id)).find((p) => p.kind === "refund")!;
    expect(refund).toMatchObject({ status: "succeeded", stripeRefundId: made!.id, amount: r.amount });
  });

  it("finds the off-session charge Stripe already made instead of charging twice", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(9, 12), at(9, 13));
    const db = await getDb();
    // A no-show (the state in which a penalty is still owed when it runs).
    await db.update(reservations).set({ status: "no_show" }).where(eq(reservations.id, r.reservation_id));
    const row = await insertLedgerRow(db, {
      reservationId: r.reservation_id,
      kind: "penalty",
      amount: 500,
      currency: r.currency,
      idempotencyKey: `penalty:test:${r.reservation_id}`,
      description: "No-show penalty",
    });
    stripe().failNextRequests(1, { path: /^POST \/v1\/payment_intents$/, afterProcessing: true, shouldRetry: false });
    expect(await settle(db, row)).toBe("pending");
    const charged = () =>
      stripe()
        .intentsFor(r.reservation_id)
        .filter((pi) => pi.amount === 500);
    expect(charged()).toHaveLength(1);

    await ageRows(r.reservation_id, 25);
    stripe().forgetIdempotencyKeys();
    await sweepPendingPayments(db, 30 * 60);
    expect(charged()).toHaveLength(1);
    expect((await ledger(r.reservation_id)).find((p) => p.kind === "penalty")).toMatchObject({
      status: "succeeded",
      stripePaymentIntentId: charged()[0]!.id,
    });
  });
});
