import Stripe from "stripe";
import { KEY_METADATA, type ChargeResult, type PaymentProvider, type RefundResult, type SavedCard } from "./provider";
import { notePaymentsAnswered, notePaymentsUnavailable } from "./health";
import { PaymentRejectedError, PaymentUnavailableError } from "./provider";

/** A Stripe client; `apiBase` points the SDK at another host (stripe-mock, the tests' local server). */
export function stripeClient(secretKey: string, apiBase?: string) {
  const base = apiBase ? new URL(apiBase) : undefined;
  return new Stripe(secretKey, {
    maxNetworkRetries: 2, // the SDK adds idempotency keys to retried POSTs; ours are passed explicitly
    timeout: 10_000,
    telemetry: false,
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === "https:" ? 443 : 80),
      protocol: base.protocol.replace(":", "") as "http" | "https",
    }),
  });
}

// Card declines are an answer (402 to the driver); connection trouble and 5xx are retryable; any
// other error is a request we should not have made.
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    const result = await fn();
    notePaymentsAnswered();
    return result;
  } catch (err) {
    if (isStripeError(err, "StripeConnectionError", "StripeAPIError", "StripeRateLimitError")) {
      notePaymentsUnavailable();
      throw new PaymentUnavailableError((err as Error).message);
    }
    notePaymentsAnswered(); // a refusal is still an answer
    throw err;
  }
}

function refundResult(r: Stripe.Refund): RefundResult {
  const status =
    r.status === "succeeded" ? "succeeded" : r.status === "failed" || r.status === "canceled" ? "failed" : "pending";
  return { refundId: r.id, status };
}

function toResult(pi: Stripe.PaymentIntent): ChargeResult {
  if (pi.status === "succeeded" || pi.status === "processing") {
    const pm = typeof pi.payment_method === "string" ? pi.payment_method : (pi.payment_method?.id ?? "");
    return { status: "succeeded", paymentIntentId: pi.id, paymentMethodId: pm };
  }
  if (pi.status === "requires_action") {
    return { status: "requires_action", paymentIntentId: pi.id, message: "The card needs authentication (3-D Secure)" };
  }
  const err = pi.last_payment_error;
  return {
    status: "declined",
    paymentIntentId: pi.id,
    declineCode: err?.decline_code ?? err?.code ?? "card_declined",
    message: err?.message ?? "The payment was declined",
  };
}

/**
 * The SDK's error classes by their `type` (the class name it sets on every instance), not by
 * instanceof: the SDK may be loaded once per bundle (see lib/errors.ts).
 */
function isStripeError(err: unknown, ...types: string[]): boolean {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === "string" && types.includes(type);
}

function declined(err: unknown, fallbackPi: string | null): ChargeResult {
  if (isStripeError(err, "StripeCardError")) {
    const err_ = err as Stripe.errors.StripeCardError;
    const pi = (err_.raw as { payment_intent?: { id?: string } }).payment_intent;
    return {
      status: "declined",
      paymentIntentId: pi?.id ?? fallbackPi,
      declineCode: err_.decline_code ?? err_.code ?? "card_declined",
      message: err_.message,
    };
  }
  if (isStripeError(err, "StripeInvalidRequestError")) {
    const e = err as Stripe.errors.StripeInvalidRequestError;
    throw new PaymentRejectedError(e.message, e.code ?? "invalid_request");
  }
  throw err;
}

/** Stripe refused the request itself (charge not refundable, amount too large): not retryable. */
async function rejectInvalid<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isStripeError(err, "StripeInvalidRequestError")) {
      const e = err as Stripe.errors.StripeInvalidRequestError;
      throw new PaymentRejectedError(e.message, e.code ?? "invalid_request");
    }
    throw err;
  }
}

export function stripeProvider(stripe: Stripe): PaymentProvider {
  return {
    name: "stripe",
    ensureCustomer: (user, idempotencyKey) =>
      call(async () => {
        const c = await stripe.customers.create(
          { email: user.email, name: user.name, metadata: { user_id: user.id } },
          { idempotencyKey },
        );
        return c.id;
      }),
    createPaymentIntent: (p) =>
      call(async () => {
        const pi = await stripe.paymentIntents.create(
          {
            amount: p.amount,
            currency: p.currency.toLowerCase(),
            customer: p.customerId,
            // No redirect-based methods: confirmation happens server-side, without a return_url.
            automatic_payment_methods: { enabled: true, allow_redirects: "never" },
            // Saved for overstay and no-show charges made when the driver is not at a screen.
            setup_future_usage: "off_session",
            metadata: { reservation_id: p.reservationId },
          },
          { idempotencyKey: p.idempotencyKey },
        );
        return pi.id;
      }),
    confirmPaymentIntent: (id, p) =>
      call(async () => {
        try {
          return toResult(
            await stripe.paymentIntents.confirm(
              id,
              { payment_method: p.paymentMethodId },
              { idempotencyKey: p.idempotencyKey },
            ),
          );
        } catch (err) {
          return declined(err, id);
        }
      }),
    retrievePaymentIntent: (id) =>
      call(async () => {
        const pi = await stripe.paymentIntents.retrieve(id);
        if (pi.status === "requires_payment_method" && !pi.last_payment_error)
          return { status: "open" as const, paymentIntentId: pi.id };
        if (pi.status === "requires_confirmation") return { status: "open" as const, paymentIntentId: pi.id };
        return toResult(pi);
      }),
    chargeOffSession: (p) =>
      call(async () => {
        try {
          const pi = await stripe.paymentIntents.create(
            {
              amount: p.amount,
              currency: p.currency.toLowerCase(),
              customer: p.customerId,
              payment_method: p.paymentMethodId,
              // No redirect-based methods: confirmation happens server-side, without a return_url.
              automatic_payment_methods: { enabled: true, allow_redirects: "never" },
              off_session: true,
              confirm: true,
              description: p.description,
              metadata: { reservation_id: p.reservationId, [KEY_METADATA]: p.idempotencyKey },
            },
            { idempotencyKey: p.idempotencyKey },
          );
          return toResult(pi);
        } catch (err) {
          return declined(err, null);
        }
      }),
    refund: (p) =>
      call(async () => {
        const r = await rejectInvalid(() =>
          stripe.refunds.create(
            {
              payment_intent: p.paymentIntentId,
              amount: p.amount,
              metadata: { reservation_id: p.reservationId, [KEY_METADATA]: p.idempotencyKey },
            },
            { idempotencyKey: p.idempotencyKey },
          ),
        );
        return refundResult(r);
      }),
    retrieveRefund: (id) => call(async () => refundResult(await stripe.refunds.retrieve(id))),
    findRefund: (p) =>
      call(async () => {
        // A PaymentIntent has few refunds; one page of 100 holds them all.
        const list = await stripe.refunds.list({ payment_intent: p.paymentIntentId, limit: 100 });
        const r = list.data.find((x) => x.metadata?.[KEY_METADATA] === p.idempotencyKey);
        return r ? refundResult(r) : null;
      }),
    findOffSessionCharge: (p) =>
      call(async () => {
        // Listing by customer, not the Search API: search results lag by up to a minute.
        for await (const pi of stripe.paymentIntents.list({ customer: p.customerId, limit: 100 })) {
          if (pi.metadata?.[KEY_METADATA] === p.idempotencyKey) return toResult(pi);
        }
        return null;
      }),
    listSavedCards: (customerId) =>
      call(async () => {
        // Cards attached by payments made with setup_future_usage (and any the driver added since).
        const list = await stripe.customers.listPaymentMethods(customerId, { type: "card", limit: 20 });
        return list.data.flatMap((pm): SavedCard[] =>
          pm.card
            ? [
                {
                  id: pm.id,
                  brand: pm.card.brand,
                  last4: pm.card.last4,
                  expMonth: pm.card.exp_month,
                  expYear: pm.card.exp_year,
                },
              ]
            : [],
        );
      }),
  };
}
