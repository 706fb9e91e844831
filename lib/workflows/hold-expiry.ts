import type { Db } from "@/db/client";
import { hasPaymentInFlight } from "@/db/queries/backstop";
import { findReservation } from "@/db/queries/reservations";
import type { ReservationStatus } from "@/db/schema";
import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import type { Cause } from "@/lib/lifecycle/state-machine";
import { expireHold } from "@/lib/lifecycle/transitions";

export type HoldCheck =
  | { outcome: "expired"; status: "expired" }
  | { outcome: "not_due"; status: "pending_payment"; deadline: string }
  | { outcome: "payment_in_flight"; status: "pending_payment" }
  | { outcome: "not_pending"; status: ReservationStatus | "missing" };

/**
 * One reservation's version of expireStaleHolds (lib/reservations/expire-holds.ts), with the same
 * rule: an unpaid hold past its end expires and frees the spot, unless a payment is in flight (the
 * processor may still say yes; the payment sweeper settles it, and the backstop then expires a
 * hold whose payment failed). Locked and re-read, so a payment that landed meanwhile wins.
 */
export async function expireHoldIfDue(db: Db, reservationId: string, now: Date, cause: Cause): Promise<HoldCheck> {
  return lifecycleTransaction(db, async (tx) => {
    const r = await findReservation(tx, reservationId, { forUpdate: true });
    if (!r) return { outcome: "not_pending", status: "missing" };
    if (r.status !== "pending_payment") return { outcome: "not_pending", status: r.status };
    if (r.holdExpiresAt && now < r.holdExpiresAt) {
      return { outcome: "not_due", status: "pending_payment", deadline: r.holdExpiresAt.toISOString() };
    }
    if (await hasPaymentInFlight(tx, r.id)) return { outcome: "payment_in_flight", status: "pending_payment" };
    await expireHold(tx, r, { cause, at: now, note: "Not paid before the hold ended" });
    return { outcome: "expired", status: "expired" };
  });
}
