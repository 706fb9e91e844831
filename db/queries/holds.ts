import { and, eq, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { payments, reservations, type VehicleType } from "../schema";

/**
 * Lapsed holds without a payment in flight, locked (skipping those another sweeper holds), at
 * most 200 at a time.
 */
export async function lapsedHoldsForUpdate(
  tx: DbOrTx,
  scope: { lotId?: string; vehicleType?: VehicleType },
  now: Date,
) {
  return tx
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
}
