import type Stripe from "stripe";
import type { Db, DbOrTx } from "@/db/client";
import {
  recordStripeEvent,
  refundedAtProcessor,
  settleOffSessionCharges,
  settleRefundByProcessorId,
  stripeEventSeen,
  succeededChargeOfIntent,
} from "@/db/queries/payment-settlement";
import { insertLedgerRow } from "@/db/queries/payments";
import { undoExtension } from "@/lib/reservations/extend-reservation";
import { applyChargeResult } from "./pay-reservation";

export const HANDLED_EVENTS = [
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "charge.refunded",
  "refund.updated",
  "refund.failed",
] as const;

/**
 * Applies one verified Stripe event. Every handler is idempotent on its own (it only moves pending
 * rows, or inserts rows under unique keys); the processed-events table makes a replay a no-op
 * without even looking. An exception propagates, the route answers 500 and Stripe retries.
 */
export async function handleStripeEvent(db: Db, event: Stripe.Event): Promise<"handled" | "duplicate" | "ignored"> {
  if (await stripeEventSeen(db, event.id)) return "duplicate";
  let outcome: "handled" | "ignored" = "handled";
  switch (event.type) {
    case "payment_intent.succeeded":
      await onIntent(db, event.data.object, true);
      break;
    case "payment_intent.payment_failed":
      await onIntent(db, event.data.object, false);
      break;
    case "charge.refunded":
      await onChargeRefunded(db, event.data.object);
      break;
    case "refund.updated":
    case "refund.failed":
      await applyRefundState(db, event.data.object);
      break;
    default:
      outcome = "ignored";
  }
  await recordStripeEvent(db, event.id, event.type);
  return outcome;
}

async function onIntent(db: Db, pi: Stripe.PaymentIntent, succeeded: boolean) {
  const pm = typeof pi.payment_method === "string" ? pi.payment_method : (pi.payment_method?.id ?? "");
  const err = pi.last_payment_error;
  const result = succeeded
    ? ({ status: "succeeded", paymentIntentId: pi.id, paymentMethodId: pm } as const)
    : ({
        status: "declined",
        paymentIntentId: pi.id,
        declineCode: err?.decline_code ?? err?.code ?? "card_declined",
        message: err?.message ?? "declined",
      } as const);
  // The booking payment (keyed by its intent) confirms the reservation...
  await applyChargeResult(db, pi.id, result, "webhook");
  // ...off-session charges (overstay, penalty) just complete their pending row; a failed
  // extension is taken back.
  const done = await settleOffSessionCharges(
    db,
    pi.id,
    succeeded
      ? { status: "succeeded" }
      : { status: "failed", failureCode: result.status === "declined" ? result.declineCode : null },
  );
  if (!succeeded) for (const row of done) await undoExtension(db, row);
}

/** Settles the one ledger row of this refund (by the processor's refund id), if it is still pending. */
async function applyRefundState(db: DbOrTx, refund: Pick<Stripe.Refund, "id" | "status">) {
  const status =
    refund.status === "succeeded"
      ? "succeeded"
      : refund.status === "failed" || refund.status === "canceled"
        ? "failed"
        : null;
  if (!status) return;
  await settleRefundByProcessorId(
    db,
    refund.id,
    status === "failed" ? { status, failureCode: "refund_failed" } : { status },
  );
}

/**
 * charge.refunded names its refunds (API versions before 2022-11-15 list them on the charge; later
 * ones send refund.* events, handled above). Only those are settled: another pending refund of the
 * same PaymentIntent may not have reached Stripe at all, and marking it paid would lose it.
 */
async function onChargeRefunded(db: Db, charge: Stripe.Charge) {
  const piId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
  if (!piId) return;
  await db.transaction(async (tx) => {
    for (const refund of charge.refunds?.data ?? []) await applyRefundState(tx, refund);
    // A refund made outside Spotkeeper (e.g. in the Stripe dashboard) still belongs in the ledger.
    const charged = await succeededChargeOfIntent(tx, piId);
    if (!charged) return;
    // Ours are those Stripe has (succeeded, or pending with its refund id): amount_refunded counts them.
    const refunded = await refundedAtProcessor(tx, piId);
    const missing = charge.amount_refunded - refunded;
    if (missing > 0) {
      await insertLedgerRow(tx, {
        reservationId: charged.reservationId,
        kind: "refund",
        status: "succeeded",
        amount: missing,
        currency: charged.currency,
        stripePaymentIntentId: piId,
        idempotencyKey: `refund:external:${charge.id}:${charge.amount_refunded}`,
        description: "Refund issued outside Spotkeeper",
      });
    }
  });
}
