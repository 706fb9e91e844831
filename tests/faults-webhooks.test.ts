import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as webhookRoute } from "@/app/api/webhooks/stripe/route";
import { getDb } from "@/db/client";
import { insertLedgerRow } from "@/db/queries/payments";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { cancel, ledger, paidBooking } from "./support/driver-api";
import { TEST_WEBHOOK_SECRET, useFakeStripe } from "./support/use-fake-stripe";

// A refund event settles the refund it names, never every pending refund of the PaymentIntent.
const stripe = useFakeStripe();
const signer = new Stripe("sk_test_signing_only");

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

async function deliver(type: string, object: unknown) {
  const payload = JSON.stringify({
    id: `evt_${randomBytes(12).toString("hex")}`,
    object: "event",
    api_version: "2025-01-27.acacia",
    created: Math.floor(Date.now() / 1000),
    type,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  });
  const signature = signer.webhooks.generateTestHeaderString({ payload, secret: TEST_WEBHOOK_SECRET });
  const res = await webhookRoute(
    new Request("http://spotkeeper.test/api/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signature },
      body: payload,
    }),
  );
  expect(res.status).toBe(200);
}

/** A cancelled booking whose refund Stripe holds pending, plus a second refund row on the same intent that never reached Stripe. */
async function twoPendingRefunds(day: number) {
  const lot = await createTestLot({ counts: { compact: 1 } });
  const r = await paidBooking(driver, lot.id, at(day, 9), at(day, 11));
  const pi = stripe().intentsFor(r.reservation_id)[0]!.id;
  stripe().setRefundMode("pending");
  try {
    expect(await (await cancel(driver, r.reservation_id)).json()).toMatchObject({ refund_status: "pending" });
  } finally {
    stripe().setRefundMode("succeeded");
  }
  const [named] = stripe().refundsFor(pi);
  await insertLedgerRow(await getDb(), {
    reservationId: r.reservation_id,
    kind: "refund",
    amount: 1,
    currency: r.currency,
    stripePaymentIntentId: pi,
    idempotencyKey: `refund:test-other:${r.reservation_id}`,
    description: "Another refund, not yet at Stripe",
  });
  return { r, pi, named: named! };
}

const refundRows = async (id: string) =>
  (await ledger(id))
    .filter((p) => p.kind === "refund")
    .map((p) => [p.amount, p.status])
    .sort();

describe("refund events", () => {
  it("charge.refunded settles only the refunds it lists, and adds no 'external' refund for a pending one", async () => {
    const { r, pi, named } = await twoPendingRefunds(7);
    stripe().completeRefund(named.id);
    await deliver("charge.refunded", stripe().chargeOf(pi));
    expect(await refundRows(r.reservation_id)).toEqual(
      [
        [1, "pending"],
        [r.amount, "succeeded"],
      ].sort(),
    );
  });

  it("refund.updated settles the refund it names, failed or succeeded", async () => {
    const { r, named } = await twoPendingRefunds(8);
    await deliver("refund.updated", stripe().completeRefund(named.id, "failed"));
    expect(await refundRows(r.reservation_id)).toEqual(
      [
        [1, "pending"],
        [r.amount, "failed"],
      ].sort(),
    );
  });
});
