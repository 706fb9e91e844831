import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { pendingLedgerRows } from "@/db/queries/payments";
import { payments } from "@/db/schema";
import { paymentProvider } from ".";
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
    if (row.kind !== "charge") {
      if ((await settle(db, row)) !== "pending") settled++;
      continue;
    }
    if (!row.stripePaymentIntentId) continue;
    const state = await provider.retrievePaymentIntent(row.stripePaymentIntentId).catch(() => null);
    if (!state) continue;
    if (state.status === "open") {
      // Never confirmed (the driver went away mid-payment): nothing moved.
      await db.update(payments).set({ status: "failed", failureCode: "abandoned" }).where(and(eq(payments.id, row.id), eq(payments.status, "pending")));
    } else {
      await applyChargeResult(db, row.stripePaymentIntentId, state, "scheduler");
    }
    settled++;
  }
  return { settled };
}
