import { randomBytes } from "node:crypto";
import {
  PaymentRejectedError,
  type ChargeResult,
  type PaymentProvider,
  type RefundResult,
  type SavedCard,
} from "./provider";

/**
 * The keyless demo's processor: behaves like Stripe's test payment methods, in process.
 * Succeed: pm_card_visa, pm_card_mastercard, 4242 4242 4242 4242, 5555 5555 5555 4444.
 * Decline: pm_card_chargeDeclined / 4000 0000 0000 0002 (generic_decline),
 *          pm_card_chargeDeclinedInsufficientFunds / 4000 0000 0000 9995 (insufficient_funds).
 */
const SUCCEED = new Set(["pm_card_visa", "pm_card_mastercard", "4242424242424242", "5555555555554444"]);
const DECLINE: Record<string, { code: string; message: string }> = {
  pm_card_chargeDeclined: { code: "generic_decline", message: "Your card was declined." },
  "4000000000000002": { code: "generic_decline", message: "Your card was declined." },
  pm_card_chargeDeclinedInsufficientFunds: { code: "insufficient_funds", message: "Your card has insufficient funds." },
  "4000000000009995": { code: "insufficient_funds", message: "Your card has insufficient funds." },
};

/** What a saved test card shows the driver, as Stripe's test cards do. */
const CARD_OF: Record<string, { brand: string; last4: string }> = {
  pm_card_visa: { brand: "visa", last4: "4242" },
  "4242424242424242": { brand: "visa", last4: "4242" },
  pm_card_mastercard: { brand: "mastercard", last4: "4444" },
  "5555555555554444": { brand: "mastercard", last4: "4444" },
};

const id = (prefix: string) => `${prefix}_demo_${randomBytes(12).toString("hex")}`;
const normalise = (pm: string) => pm.replace(/[\s-]/g, "");

export function demoProvider(): PaymentProvider {
  // Idempotency as Stripe does it: the same key returns the first answer.
  const seen = new Map<string, unknown>();
  const once = async <T>(key: string, fn: () => T): Promise<T> => {
    if (!seen.has(key)) seen.set(key, fn());
    return seen.get(key) as T;
  };
  const intents = new Map<string, ChargeResult>();
  // Every intent is created with setup_future_usage as Stripe's are: a card that pays is saved on the customer.
  const customerOf = new Map<string, string>();
  const saved = new Map<string, SavedCard[]>();
  const save = (piId: string, method: string) => {
    const customer = customerOf.get(piId);
    const card = CARD_OF[method];
    if (!customer || !card) return;
    const cards = (saved.get(customer) ?? []).filter((c) => c.id !== method);
    saved.set(customer, [{ id: method, ...card, expMonth: 12, expYear: new Date().getUTCFullYear() + 3 }, ...cards]);
  };
  const charge = (piId: string, pm: string): ChargeResult => {
    const method = normalise(pm);
    const decline = DECLINE[method];
    if (!SUCCEED.has(method) && !decline)
      throw new PaymentRejectedError(`No such PaymentMethod: '${pm}'`, "resource_missing");
    if (intents.get(piId)?.status === "succeeded") {
      throw new PaymentRejectedError("This PaymentIntent has already succeeded.", "payment_intent_unexpected_state");
    }
    const result: ChargeResult = decline
      ? { status: "declined", paymentIntentId: piId, declineCode: decline.code, message: decline.message }
      : { status: "succeeded", paymentIntentId: piId, paymentMethodId: method };
    intents.set(piId, result);
    if (result.status === "succeeded") save(piId, method);
    return result;
  };
  return {
    name: "demo",
    ensureCustomer: (_user, key) => once(key, () => id("cus")),
    createPaymentIntent: (p) =>
      once(p.idempotencyKey, () => {
        const pi = id("pi");
        customerOf.set(pi, p.customerId);
        return pi;
      }),
    confirmPaymentIntent: (piId, p) => once(p.idempotencyKey, () => charge(piId, p.paymentMethodId)),
    retrievePaymentIntent: async (piId) => intents.get(piId) ?? { status: "open", paymentIntentId: piId },
    chargeOffSession: (p) => once(p.idempotencyKey, () => charge(id("pi"), p.paymentMethodId)),
    refund: (p) => once(p.idempotencyKey, (): RefundResult => ({ refundId: id("re"), status: "succeeded" })),
    // Everything is in memory and never forgotten: the answer under a key is the object made with it.
    retrieveRefund: async (refundId) => ({ refundId, status: "succeeded" }),
    findRefund: async (p) => ((await seen.get(p.idempotencyKey)) as RefundResult | undefined) ?? null,
    findOffSessionCharge: async (p) => ((await seen.get(p.idempotencyKey)) as ChargeResult | undefined) ?? null,
    listSavedCards: async (customerId) => saved.get(customerId) ?? [],
  };
}
