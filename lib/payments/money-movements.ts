import { and, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { insertLedgerRow, refundableCharges } from "@/db/queries/payments";
import { payments, reservations, users, type Payment } from "@/db/schema";
import { paymentProvider } from ".";
import { isPaymentRejected, isPaymentUnavailable } from "./provider";

/**
 * Money moves in two phases. Inside the transaction that decides it (a cancel, a check-out, a
 * no-show), a `pending` ledger row with a unique idempotency key is written; after the commit,
 * `settle` asks the processor with that same key and records the outcome. A crash in between leaves
 * a pending row that the sweeper settles later — with the same key, so the processor moves the
 * money once however often it is asked.
 */

/** Refund `amount` over the reservation's charges (oldest first). One pending row per PaymentIntent. */
export async function queueRefund(tx: DbOrTx, r: { id: string; currency: string }, amount: number, key: string, description: string) {
  const rows: Payment[] = [];
  let left = amount;
  for (const c of await refundableCharges(tx, r.id)) {
    if (left <= 0) break;
    const part = Math.min(left, c.refundable);
    const { row } = await insertLedgerRow(tx, {
      reservationId: r.id,
      kind: "refund",
      amount: part,
      currency: r.currency,
      stripePaymentIntentId: c.paymentIntentId,
      idempotencyKey: `${key}:${c.paymentIntentId}`,
      description,
    });
    rows.push(row);
    left -= part;
  }
  return rows;
}

/** An off-session charge to the saved payment method (overstay, extension, no-show penalty). */
export async function queueCharge(
  tx: DbOrTx,
  r: { id: string; currency: string },
  kind: "adjustment" | "penalty",
  amount: number,
  key: string,
  description: string,
) {
  if (amount <= 0) return null;
  const { row } = await insertLedgerRow(tx, { reservationId: r.id, kind, amount, currency: r.currency, idempotencyKey: key, description });
  return row;
}

async function markRow(db: DbOrTx, id: string, patch: Partial<typeof payments.$inferInsert>) {
  // Only a pending row changes: a webhook and the synchronous path may both report the outcome.
  await db.update(payments).set(patch).where(and(eq(payments.id, id), eq(payments.status, "pending")));
}

/** Executes one pending row against the processor. Safe to call repeatedly and concurrently. */
export async function settle(db: Db, row: Payment): Promise<Payment["status"]> {
  if (row.status !== "pending") return row.status;
  const provider = paymentProvider();
  if (!provider) return "pending";
  try {
    if (row.kind === "refund") {
      const res = await provider.refund({
        paymentIntentId: row.stripePaymentIntentId!,
        amount: row.amount,
        reservationId: row.reservationId,
        idempotencyKey: row.idempotencyKey,
      });
      if (res.status === "pending") {
        await db.update(payments).set({ stripeRefundId: res.refundId }).where(eq(payments.id, row.id));
        return "pending"; // charge.refunded (webhook) completes it
      }
      await markRow(db, row.id, { status: res.status, stripeRefundId: res.refundId, failureCode: res.status === "failed" ? "refund_failed" : null });
      return res.status;
    }
    if (row.kind === "adjustment" || row.kind === "penalty") {
      const [owner] = await db
        .select({ customerId: users.stripeCustomerId, paymentMethodId: reservations.paymentMethodId })
        .from(reservations)
        .innerJoin(users, eq(users.id, reservations.userId))
        .where(eq(reservations.id, row.reservationId));
      if (!owner?.customerId || !owner.paymentMethodId) {
        await markRow(db, row.id, { status: "failed", failureCode: "no_saved_payment_method" });
        return "failed";
      }
      const res = await provider.chargeOffSession({
        amount: row.amount,
        currency: row.currency,
        customerId: owner.customerId,
        paymentMethodId: owner.paymentMethodId,
        reservationId: row.reservationId,
        description: row.description ?? row.kind,
        idempotencyKey: row.idempotencyKey,
      });
      if (res.status === "succeeded") {
        await markRow(db, row.id, { status: "succeeded", stripePaymentIntentId: res.paymentIntentId });
        return "succeeded";
      }
      const code = res.status === "declined" ? res.declineCode : "authentication_required";
      await markRow(db, row.id, { status: "failed", failureCode: code, stripePaymentIntentId: res.paymentIntentId });
      return "failed";
    }
    return "pending"; // driver-present charges are settled by POST /v1/payments and the webhook
  } catch (err) {
    if (isPaymentUnavailable(err)) return "pending"; // the sweeper retries with the same key
    if (isPaymentRejected(err)) {
      await markRow(db, row.id, { status: "failed", failureCode: err.code });
      return "failed";
    }
    throw err;
  }
}

export async function settleAll(db: Db, rows: (Payment | null)[]) {
  let total = 0;
  for (const row of rows) if (row && (await settle(db, row)) === "succeeded") total += row.amount;
  return total;
}
