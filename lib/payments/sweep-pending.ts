import type { Db } from "@/db/client";
import { updatePendingPayment } from "@/db/queries/payment-settlement";
import { pendingLedgerRows } from "@/db/queries/payments";
import type { Payment } from "@/db/schema";
import type { PaymentProvider } from "./provider";
import { paymentProvider } from ".";
import { undoExtension } from "@/lib/reservations/extend-reservation";
import { settle } from "./money-movements";
import { applyChargeResult } from "./pay-reservation";

/**
 * Finishes money movements a crash or a processor outage left pending: refunds and off-session
 * charges are re-driven with their own idempotency keys; a booking payment whose answer was lost is
 * looked up on its PaymentIntent. Run periodically (scheduler / cron); safe to run concurrently.
 */
export async function sweepPendingPayments(db: Db, olderThanSeconds = 30) {
  const provider = paymentProvider();
  if (!provider) return { settled: 0 };
  let settled = 0;
  for (const row of await pendingLedgerRows(db, olderThanSeconds)) {
    try {
      if (await sweepRow(db, provider, row)) settled++;
    } catch (err) {
      // A database error on one row (not the processor's: settle records those) must not stop the rest.
      console.error(`[spotkeeper] sweeping payment ${row.id} failed:`, err);
    }
  }
  return { settled };
}

async function sweepRow(db: Db, provider: PaymentProvider, row: Payment): Promise<boolean> {
  if (row.kind !== "charge") {
    const status = await settle(db, row);
    if ((status === "failed" || status === "needs_attention") && row.context?.extension) await undoExtension(db, row);
    return status !== "pending";
  }
  if (!row.stripePaymentIntentId) return false;
  const state = await provider.retrievePaymentIntent(row.stripePaymentIntentId).catch(() => null);
  if (!state) return false;
  if (state.status === "open") {
    // Never confirmed (the driver went away mid-payment): nothing moved.
    await updatePendingPayment(db, row.id, { status: "failed", failureCode: "abandoned" });
  } else {
    await applyChargeResult(db, row.stripePaymentIntentId, state, "scheduler");
  }
  return true;
}
