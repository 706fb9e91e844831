import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as webhookRoute } from "@/app/api/webhooks/stripe/route";
import { stripeClient } from "@/lib/payments/stripe-provider";
import { at, createTestLot, createUser, expectError, type TestUser } from "./fixtures";
import { bookOk, cancel, ledger, paidBooking, paidNet, pay, payOk, statusOf, transitions } from "./support/driver-api";
import { TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, useFakeStripe } from "./support/use-fake-stripe";

// POST /api/webhooks/stripe with events signed the way Stripe signs them.
const stripe = useFakeStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

const signer = new Stripe("sk_test_signing_only");

function stripeEvent(type: string, object: unknown, id = `evt_${randomBytes(12).toString("hex")}`) {
  return {
    id,
    object: "event",
    api_version: "2025-01-27.acacia",
    created: Math.floor(Date.now() / 1000),
    type,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  };
}

function deliver(event: unknown, opts: { secret?: string; signature?: string | null; payload?: string } = {}) {
  const payload = opts.payload ?? JSON.stringify(event);
  const headers: Record<string, string> = { "content-type": "application/json" };
  const signature =
    opts.signature === undefined
      ? signer.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? TEST_WEBHOOK_SECRET })
      : opts.signature;
  if (signature !== null) headers["stripe-signature"] = signature;
  return webhookRoute(
    new Request("http://spotkeeper.test/api/webhooks/stripe", { method: "POST", headers, body: payload }),
  );
}

async function deliverOk(event: unknown) {
  const res = await deliver(event);
  expect(res.status).toBe(200);
  return (await res.json()) as { received: true; outcome: "handled" | "duplicate" | "ignored" };
}

/**
 * A booking whose payment Stripe took but whose answer never reached Spotkeeper: the charge is
 * pending in the ledger and only the webhook can tell. (Stripe-Should-Retry: false spares the SDK's
 * retry back-off; tests/payments-outage.test.ts covers the retries themselves.)
 */
async function paymentAwaitingWebhook(start: Date, end: Date) {
  const lot = await createTestLot({ counts: { compact: 1 } });
  const r = await bookOk(driver, lot.id, start, end);
  stripe().failNextRequests(1, { path: /\/confirm$/, afterProcessing: true, shouldRetry: false });
  await expectError(
    await pay(driver, { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: "pm_card_visa" }),
    503,
    "payments_unavailable",
  );
  const [pi] = stripe().intentsFor(r.reservation_id);
  expect(pi).toMatchObject({ status: "succeeded" });
  expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status])).toEqual([["charge", "pending"]]);
  // A copy, as Stripe sends it: the event carries the object as it was when the event happened.
  return { r, pi: structuredClone(pi!) };
}

describe("signature verification", () => {
  it("answers 400 to a payload not signed with the endpoint's secret, and changes nothing", async () => {
    const { r, pi } = await paymentAwaitingWebhook(at(3, 9), at(3, 10));
    const event = stripeEvent("payment_intent.succeeded", pi);
    await expectError(await deliver(event, { secret: "whsec_someone_else" }), 400, "bad_request");
    await expectError(await deliver(event, { signature: null }), 400, "bad_request");
    await expectError(await deliver(event, { signature: "t=1,v1=deadbeef" }), 400, "bad_request");
    // Signed, then altered in transit.
    const signature = signer.webhooks.generateTestHeaderString({
      payload: JSON.stringify(event),
      secret: TEST_WEBHOOK_SECRET,
    });
    const tampered = JSON.stringify({ ...event, data: { object: { ...pi, amount: 1 } } });
    await expectError(await deliver(event, { signature, payload: tampered }), 400, "bad_request");

    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
    expect((await ledger(r.reservation_id)).map((p) => p.status)).toEqual(["pending"]);
  });
});

describe("payment_intent events", () => {
  it("confirms the reservation when payment_intent.succeeded arrives for a pending charge", async () => {
    const { r, pi } = await paymentAwaitingWebhook(at(3, 11), at(3, 12));
    expect(await deliverOk(stripeEvent("payment_intent.succeeded", pi))).toEqual({
      received: true,
      outcome: "handled",
    });

    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
    expect(await transitions(r.reservation_id)).toEqual(["pending_payment→confirmed (webhook)"]);
    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status, p.amount])).toEqual([
      ["charge", "succeeded", r.amount],
    ]);
    // The driver's own retry now answers from the ledger.
    const before = stripe().requests.length;
    await payOk(driver, r);
    expect(stripe().requests.length).toBe(before);
  });

  it("applies the same event delivered 100 times at once exactly once", async () => {
    const { r, pi } = await paymentAwaitingWebhook(at(3, 13), at(3, 14));
    const event = stripeEvent("payment_intent.succeeded", pi);
    const responses = await Promise.all(Array.from({ length: 100 }, () => deliver(event)));
    expect(responses.map((res) => res.status)).toEqual(Array(100).fill(200));

    expect(await ledger(r.reservation_id)).toHaveLength(1);
    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status, p.amount])).toEqual([
      ["charge", "succeeded", r.amount],
    ]);
    expect(await transitions(r.reservation_id)).toEqual(["pending_payment→confirmed (webhook)"]);
    expect(await deliverOk(event)).toEqual({ received: true, outcome: "duplicate" });
  });

  it("changes nothing for further events about the same intent, even out of order", async () => {
    const { r, pi } = await paymentAwaitingWebhook(at(3, 15), at(3, 16));
    await deliverOk(stripeEvent("payment_intent.succeeded", pi));
    const ledgerBefore = await ledger(r.reservation_id);

    for (let i = 0; i < 5; i++) await deliverOk(stripeEvent("payment_intent.succeeded", pi));
    // A failure event for an earlier attempt, delivered late.
    const failedAttempt = {
      ...pi,
      status: "requires_payment_method",
      last_payment_error: {
        type: "card_error",
        code: "card_declined",
        decline_code: "generic_decline",
        message: "Your card was declined.",
      },
    };
    await deliverOk(stripeEvent("payment_intent.payment_failed", failedAttempt));

    expect(await ledger(r.reservation_id)).toEqual(ledgerBefore);
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
    expect(await transitions(r.reservation_id)).toEqual(["pending_payment→confirmed (webhook)"]);
  });

  it("leaves the hold payable when payment_intent.payment_failed settles a pending charge", async () => {
    const { r, pi } = await paymentAwaitingWebhook(at(3, 17), at(3, 18));
    const failed = {
      ...pi,
      status: "requires_payment_method",
      last_payment_error: {
        type: "card_error",
        code: "card_declined",
        decline_code: "insufficient_funds",
        message: "Your card has insufficient funds.",
      },
    };
    expect(await deliverOk(stripeEvent("payment_intent.payment_failed", failed))).toMatchObject({ outcome: "handled" });
    expect((await ledger(r.reservation_id)).map((p) => [p.status, p.failureCode])).toEqual([
      ["failed", "insufficient_funds"],
    ]);
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
  });
});

describe("charge.refunded", () => {
  it("records a refund made outside Spotkeeper once, however often the event is replayed", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(4, 9), at(4, 12));
    expect(r.amount).toBe(1200);
    const [pi] = stripe().intentsFor(r.reservation_id);
    // Someone refunds part of it in the Stripe dashboard.
    const dashboard = stripeClient(TEST_STRIPE_KEY, stripe().url);
    await dashboard.refunds.create({ payment_intent: pi!.id, amount: 300 });

    const first = stripeEvent("charge.refunded", stripe().chargeOf(pi!.id));
    expect(await deliverOk(first)).toMatchObject({ outcome: "handled" });
    for (let i = 0; i < 3; i++) expect(await deliverOk(first)).toMatchObject({ outcome: "duplicate" });
    // Stripe may also send the same state under a new event id.
    await deliverOk(stripeEvent("charge.refunded", stripe().chargeOf(pi!.id)));

    const refunds = (await ledger(r.reservation_id)).filter((p) => p.kind === "refund");
    expect(refunds.map((p) => [p.status, p.amount, p.currency, p.stripePaymentIntentId])).toEqual([
      ["succeeded", 300, "EUR", pi!.id],
    ]);
    expect(await paidNet(r.reservation_id)).toBe(900);

    // A second dashboard refund adds only its own amount (amount_refunded is cumulative).
    await dashboard.refunds.create({ payment_intent: pi!.id, amount: 200 });
    await deliverOk(stripeEvent("charge.refunded", stripe().chargeOf(pi!.id)));
    await deliverOk(stripeEvent("charge.refunded", stripe().chargeOf(pi!.id)));
    expect((await ledger(r.reservation_id)).filter((p) => p.kind === "refund").map((p) => p.amount)).toEqual([
      300, 200,
    ]);
    expect(await paidNet(r.reservation_id)).toBe(700);
  });

  it("adds nothing for a refund Spotkeeper made itself", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(4, 13), at(4, 14));
    expect((await cancel(driver, r.reservation_id)).status).toBe(200);
    const [pi] = stripe().intentsFor(r.reservation_id);
    await deliverOk(stripeEvent("charge.refunded", stripe().chargeOf(pi!.id)));

    expect(
      (await ledger(r.reservation_id)).filter((p) => p.kind === "refund").map((p) => [p.status, p.amount]),
    ).toEqual([["succeeded", r.amount]]);
    expect(await paidNet(r.reservation_id)).toBe(0);
  });
});

describe("other events", () => {
  it.each(["customer.created", "invoice.paid", "payment_intent.created"])("answers 200 ignored to %s", async (type) => {
    expect(await deliverOk(stripeEvent(type, { id: `obj_${randomBytes(6).toString("hex")}` }))).toEqual({
      received: true,
      outcome: "ignored",
    });
  });
});
