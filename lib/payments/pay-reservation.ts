import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import type { Db } from "@/db/client";
import {
  countPaymentAttempt,
  findPayer,
  setReservationPaymentIntent,
  setStripeCustomerIfUnset,
} from "@/db/queries/checkout";
import {
  bookingChargeForUpdate,
  hasPendingPayment,
  succeededBookingCharge,
  updatePayment,
} from "@/db/queries/payment-settlement";
import { insertLedgerRow } from "@/db/queries/payments";
import { findReservation } from "@/db/queries/reservations";
import { ApiError } from "@/lib/errors";
import { authorizeReservation } from "@/lib/auth/lot-access";
import type { Caller } from "@/lib/auth/caller";
import { confirmPaid, expireHold } from "@/lib/lifecycle/transitions";
import { paymentProvider } from ".";
import { queueRefund, settleAll } from "./money-movements";
import { isPaymentRejected, isPaymentUnavailable, type ChargeResult, type PaymentProvider } from "./provider";

export type PayInput = { reservation_id: string; amount: number; payment_method_id: string };

/**
 * POST /v1/payments: pays a reservation's hold with the driver's payment method.
 * One PaymentIntent per reservation (created with a key derived from the reservation), so however
 * often the driver retries, at most one charge can succeed. Success confirms the reservation.
 */
export async function payReservation(db: Db, caller: Caller, input: PayInput, now = new Date()) {
  const provider = paymentProvider();
  if (!provider) throw new ApiError("payments_unavailable", "Payments are not configured on this server");

  const ctx = await lifecycleTransaction(db, async (tx) => {
    // The driver's own card, the driver's act: nobody else pays a hold (operators get 403 in their lots, 404 elsewhere).
    const r = await authorizeReservation(tx, caller, input.reservation_id, { forUpdate: true, operatorRole: null });
    const paid = await succeededBookingCharge(tx, r.id);
    if (paid) return { done: paid };
    // Whoever noticed the lapsed hold first (the scheduler, a booking, this payment), the driver is
    // told the same thing: the hold ended, book again.
    if (r.status === "expired") return { expired: true as const };
    if (r.status !== "pending_payment") {
      throw new ApiError("invalid_state", `This reservation is ${r.status.replace("_", " ")} and cannot be paid`, {
        status: r.status,
      });
    }
    if (r.holdExpiresAt && r.holdExpiresAt <= now) {
      if (!(await hasPendingPayment(tx, r.id))) {
        await expireHold(tx, r, { cause: "payment", at: now, note: "Payment attempted after the hold ended" });
        return { expired: true as const };
      }
    }
    if (input.amount !== r.amount) {
      throw new ApiError("amount_mismatch", `The amount does not match the quoted price of this reservation`, {
        expected: r.amount,
        currency: r.currency,
      });
    }
    const attempt = await countPaymentAttempt(tx, r.id);
    const user = await findPayer(tx, r.userId);
    return { r, user: user!, attempt };
  });
  if ("expired" in ctx)
    throw new ApiError("hold_expired", "The hold on this spot expired before payment; please book again");
  if ("done" in ctx)
    return { transaction_id: ctx.done!.id, status: "succeeded" as const, reservation_id: input.reservation_id };
  const { r, user, attempt } = ctx;

  try {
    let customerId = user.stripeCustomerId;
    if (!customerId) {
      customerId = await provider.ensureCustomer(user, `customer:${user.id}`);
      await setStripeCustomerIfUnset(db, user.id, customerId);
    }
    let piId = r.stripePaymentIntentId;
    if (!piId) {
      piId = await provider.createPaymentIntent({
        amount: r.amount,
        currency: r.currency,
        customerId,
        reservationId: r.id,
        idempotencyKey: `pi:${r.id}`,
      });
      await setReservationPaymentIntent(db, r.id, piId);
    }
    const row = await insertLedgerRow(db, {
      reservationId: r.id,
      kind: "charge",
      amount: r.amount,
      currency: r.currency,
      stripePaymentIntentId: piId,
      idempotencyKey: `charge:${piId}`,
      description: "Booking payment",
    });
    if (row.status === "failed") await updatePayment(db, row.id, { status: "pending", failureCode: null });

    const result = await confirm(provider, piId, input.payment_method_id, `confirm:${r.id}:${attempt}`);
    await applyChargeResult(db, piId, result, "payment");
    if (result.status === "succeeded")
      return { transaction_id: row.id, status: "succeeded" as const, reservation_id: r.id };
    if (result.status === "declined") {
      throw new ApiError("payment_declined", result.message, {
        decline_code: result.declineCode,
        reservation_status: "pending_payment",
      });
    }
    throw new ApiError("payment_failed", result.message, { code: "authentication_required" });
  } catch (err) {
    if (isPaymentUnavailable(err)) {
      throw new ApiError("payments_unavailable", "The payment processor did not answer; retrying is safe", {
        retryable: true,
      });
    }
    if (isPaymentRejected(err)) throw new ApiError("payment_failed", err.message, { code: err.code });
    throw err;
  }
}

async function confirm(provider: PaymentProvider, piId: string, pm: string, key: string): Promise<ChargeResult> {
  try {
    return await provider.confirmPaymentIntent(piId, { paymentMethodId: pm, idempotencyKey: key });
  } catch (err) {
    // An earlier attempt already succeeded (its answer was lost): take the intent's real state.
    if (isPaymentRejected(err) && err.code === "payment_intent_unexpected_state") {
      const state = await provider.retrievePaymentIntent(piId);
      if (state.status !== "open") return state;
    }
    throw err;
  }
}

/**
 * Records a PaymentIntent's outcome for a booking payment; called by POST /v1/payments and by the
 * payment_intent.* webhooks, in either order, any number of times.
 */
export async function applyChargeResult(
  db: Db,
  piId: string,
  result: ChargeResult,
  cause: "payment" | "webhook" | "scheduler",
) {
  const refunds = await lifecycleTransaction(db, async (tx) => {
    const row = await bookingChargeForUpdate(tx, piId);
    if (!row || row.status === "succeeded") return [];
    if (result.status !== "succeeded") {
      const code = result.status === "declined" ? result.declineCode : "authentication_required";
      await updatePayment(tx, row.id, { status: "failed", failureCode: code });
      return [];
    }
    await updatePayment(tx, row.id, { status: "succeeded", failureCode: null });
    const r = (await findReservation(tx, row.reservationId, { forUpdate: true }))!;
    if (r.status === "pending_payment") {
      await confirmPaid(tx, r, { cause }, result.paymentMethodId || null);
      return [];
    }
    if (r.status !== "cancelled" && r.status !== "expired") return [];
    // The money arrived for a booking that no longer holds a spot (cancelled while paying): give it back.
    return queueRefund(
      tx,
      { id: row.reservationId, currency: row.currency },
      row.amount,
      `refund:orphaned:${piId}`,
      "Refund of a payment for a cancelled booking",
    );
  });
  await settleAll(db, refunds);
}
