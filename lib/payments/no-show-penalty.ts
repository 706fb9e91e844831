import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { findReservation } from "@/db/queries/reservations";
import { bookedPolicy } from "@/lib/reservations/booking-policy";
import { queueCharge, settle } from "./money-movements";

/**
 * Charges the lot's no-show penalty to the saved payment method, once: the ledger row's key is the
 * reservation's, so a retried workflow step finds the row and at most re-drives its settlement.
 * The lifecycle (workflows issue) decides *when*; this only moves the money.
 */
export async function chargeNoShowPenalty(db: Db, reservationId: string) {
  const row = await db.transaction(async (tx) => {
    const r = await findReservation(tx, reservationId);
    if (!r || r.status !== "no_show") return null;
    const lot = await findLot(tx, r.lotId);
    // The penalty shown at booking, not one the operator set later.
    const penalty = lot ? bookedPolicy(r, lot).no_show_penalty : 0;
    return queueCharge(tx, r, "penalty", penalty, `penalty:no_show:${r.id}`, "No-show penalty");
  });
  if (!row) return { amount: 0, status: "none" as const };
  return { amount: row.amount, status: await settle(db, row) };
}
