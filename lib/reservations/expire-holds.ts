import { and, eq, lte, sql } from "drizzle-orm";
import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import type { Db } from "@/db/client";
import { payments, reservations, type VehicleType } from "@/db/schema";
import { expireHold } from "@/lib/lifecycle/transitions";


/**
 * Expires unpaid holds past their deadline, except those with a payment in flight (a pending ledger
 * row): the processor may still say yes, and the spot must then still be theirs.
 * Runs before allocation (so a lapsed hold never blocks a new booking) and from the scheduler.
 */
export async function expireStaleHolds(db: Db, scope: { lotId?: string; vehicleType?: VehicleType } = {}, now = new Date()) {
  return lifecycleTransaction(db, async (tx) => {
    const due = await tx
      .select()
      .from(reservations)
      .where(
        and(
          eq(reservations.status, "pending_payment"),
          lte(reservations.holdExpiresAt, now),
          scope.lotId ? eq(reservations.lotId, scope.lotId) : undefined,
          scope.vehicleType ? eq(reservations.vehicleType, scope.vehicleType) : undefined,
          // Written out: drizzle leaves columns unqualified in a one-table select, and inside the
          // subquery a bare "id" would bind to payments.id.
          sql`not exists (select 1 from ${payments} p where p.reservation_id = "reservations"."id" and p.status = 'pending')`,
        ),
      )
      .for("update", { skipLocked: true })
      .limit(200);
    for (const r of due) await expireHold(tx, r, { cause: "scheduler", at: now, note: "Not paid before the hold ended" });
    return due.map((r) => r.id);
  });
}
