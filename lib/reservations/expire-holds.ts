import { and, eq, lte, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { payments, reservations, type Reservation, type VehicleType } from "@/db/schema";
import { noteReleased } from "@/lib/availability";

/** pending_payment → expired, releasing the spot. Call inside a transaction holding the row. */
export async function expireReservation(tx: DbOrTx, r: Pick<Reservation, "id" | "lotId" | "vehicleType" | "startTime" | "endTime">, now: Date) {
  await noteReleased(tx, r.lotId, r.vehicleType, { id: r.id, start: r.startTime, end: r.endTime });
  await tx
    .update(reservations)
    .set({ status: "expired", holdExpiresAt: null, updatedAt: now })
    .where(and(eq(reservations.id, r.id), eq(reservations.status, "pending_payment")));
}

/**
 * Expires unpaid holds past their deadline, except those with a payment in flight (a pending ledger
 * row): the processor may still say yes, and the spot must then still be theirs.
 * Runs before allocation (so a lapsed hold never blocks a new booking) and from the scheduler.
 */
export async function expireStaleHolds(db: Db, scope: { lotId?: string; vehicleType?: VehicleType } = {}, now = new Date()) {
  return db.transaction(async (tx) => {
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
    for (const r of due) await expireReservation(tx, r, now);
    return due.map((r) => r.id);
  });
}
