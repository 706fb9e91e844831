import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { payments, reservations, stripeEvents, users, type Payment } from "../schema";

type PaymentPatch = Partial<typeof payments.$inferInsert>;

// Writes that settle ledger rows: by the synchronous paths (POST /v1/payments, settle), the
// sweeper and Stripe's webhooks, which may all report the same outcome in any order.

/** Changes a row only while it is pending: a webhook and the synchronous path may both report it. */
export async function updatePendingPayment(db: DbOrTx, id: string, patch: PaymentPatch) {
  await db
    .update(payments)
    .set(patch)
    .where(and(eq(payments.id, id), eq(payments.status, "pending")));
}

export async function updatePayment(db: DbOrTx, id: string, patch: PaymentPatch) {
  await db.update(payments).set(patch).where(eq(payments.id, id));
}

/** The booking charge of a PaymentIntent (keyed `charge:<intent>`), locked for the outcome to be applied once. */
export async function bookingChargeForUpdate(tx: DbOrTx, paymentIntentId: string) {
  const [row] = await tx
    .select()
    .from(payments)
    .where(eq(payments.idempotencyKey, `charge:${paymentIntentId}`))
    .for("update");
  return row ?? null;
}

/** The reservation's succeeded booking charge, if it is paid. */
export async function succeededBookingCharge(tx: DbOrTx, reservationId: string) {
  const [row] = await tx
    .select()
    .from(payments)
    .where(
      and(eq(payments.reservationId, reservationId), eq(payments.kind, "charge"), eq(payments.status, "succeeded")),
    )
    .limit(1);
  return row ?? null;
}

/** Whether any money movement of the reservation is still in flight. */
export async function hasPendingPayment(tx: DbOrTx, reservationId: string) {
  const rows = await tx
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.reservationId, reservationId), eq(payments.status, "pending")))
    .limit(1);
  return rows.length > 0;
}

/** Who pays an off-session charge of the reservation, and whether the reservation still owes it. */
export async function offSessionPayer(db: DbOrTx, reservationId: string) {
  const [owner] = await db
    .select({
      customerId: users.stripeCustomerId,
      paymentMethodId: reservations.paymentMethodId,
      status: reservations.status,
    })
    .from(reservations)
    .innerJoin(users, eq(users.id, reservations.userId))
    .where(eq(reservations.id, reservationId));
  return owner ?? null;
}

/** Completes the pending off-session charges (overstay, extension, penalty) made on a PaymentIntent. */
export async function settleOffSessionCharges(
  db: DbOrTx,
  paymentIntentId: string,
  patch: PaymentPatch,
): Promise<Payment[]> {
  return db
    .update(payments)
    .set(patch)
    .where(
      and(
        eq(payments.stripePaymentIntentId, paymentIntentId),
        eq(payments.status, "pending"),
        inArray(payments.kind, ["adjustment", "penalty"]),
      ),
    )
    .returning();
}

/** Settles the one pending refund row the processor's refund id names. */
export async function settleRefundByProcessorId(db: DbOrTx, refundId: string, patch: PaymentPatch) {
  await db
    .update(payments)
    .set(patch)
    .where(and(eq(payments.stripeRefundId, refundId), eq(payments.kind, "refund"), eq(payments.status, "pending")));
}

/** A succeeded charge (not a refund) made on the PaymentIntent. */
export async function succeededChargeOfIntent(db: DbOrTx, paymentIntentId: string) {
  const [row] = await db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.stripePaymentIntentId, paymentIntentId),
        eq(payments.status, "succeeded"),
        sql`${payments.kind} <> 'refund'`,
      ),
    )
    .limit(1);
  return row ?? null;
}

/**
 * What of the PaymentIntent our ledger has refunded that the processor knows about (succeeded, or
 * pending with its refund id): the counterpart of the charge's amount_refunded.
 */
export async function refundedAtProcessor(db: DbOrTx, paymentIntentId: string): Promise<number> {
  const [row] = await db
    .select({ refunded: sql<number>`coalesce(sum(${payments.amount}), 0)::int` })
    .from(payments)
    .where(
      and(
        eq(payments.stripePaymentIntentId, paymentIntentId),
        eq(payments.kind, "refund"),
        sql`(${payments.status} = 'succeeded' or (${payments.status} = 'pending' and ${payments.stripeRefundId} is not null))`,
      ),
    );
  return row?.refunded ?? 0;
}

export async function stripeEventSeen(db: DbOrTx, eventId: string) {
  const [seen] = await db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, eventId));
  return Boolean(seen);
}

export async function recordStripeEvent(db: DbOrTx, eventId: string, type: string) {
  await db.insert(stripeEvents).values({ id: eventId, type }).onConflictDoNothing();
}
