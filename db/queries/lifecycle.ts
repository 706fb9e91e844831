import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { reservations, reservationTransitions, type NewReservation, type ReservationStatus } from "../schema";

type Patch = Partial<
  Pick<NewReservation, "holdExpiresAt" | "cancelledAt" | "checkedInAt" | "checkedOutAt" | "paymentMethodId">
>;

/** The guarded UPDATE of a lifecycle edge: it moves the row only if it is still `from`. */
export async function moveReservationStatus(
  db: DbOrTx,
  id: string,
  from: ReservationStatus,
  to: ReservationStatus,
  at: Date,
  patch: Patch,
) {
  const [moved] = await db
    .update(reservations)
    .set({ ...patch, status: to, updatedAt: at })
    .where(and(eq(reservations.id, id), eq(reservations.status, from)))
    .returning({ id: reservations.id });
  return moved !== undefined;
}

export async function insertTransition(db: DbOrTx, row: typeof reservationTransitions.$inferInsert) {
  await db.insert(reservationTransitions).values(row);
}

export type BatchMove = { id: string; lotId: string; at: Date; note: string | null };

/**
 * One lifecycle edge for many reservations in one statement: the rows still in `from` (and in the
 * lot named) move to `to`, stamped with their own time, and each move is logged in
 * reservation_transitions. Returns the ids that moved; the others had left `from` already.
 */
export async function moveReservationsStatus(
  db: DbOrTx,
  from: ReservationStatus,
  to: ReservationStatus,
  cause: string,
  moves: BatchMove[],
  stamp: "checked_in_at" | "checked_out_at" | null,
) {
  if (moves.length === 0) return [];
  // One JSON parameter for the whole batch: the same statement text (prepared once per connection) for any size.
  const json = JSON.stringify(moves.map((m) => ({ id: m.id, lot_id: m.lotId, at: m.at.toISOString(), note: m.note })));
  const stamped = stamp ? sql`, ${sql.identifier(stamp)} = v.at` : sql``;
  const rows = await db.execute<{ reservation_id: string }>(sql`
    with v as (select * from jsonb_to_recordset(${json}::jsonb) as x(id uuid, lot_id uuid, at timestamptz, note text)),
    moved as (
      update ${reservations} r set status = ${to}::reservation_status, updated_at = v.at${stamped}
      from v where r.id = v.id and r.lot_id = v.lot_id and r.status = ${from}::reservation_status
      returning r.id, v.at, v.note
    )
    insert into ${reservationTransitions} (reservation_id, from_status, to_status, cause, note, created_at)
    select id, ${from}::reservation_status, ${to}::reservation_status, ${cause}, note, at from moved
    returning reservation_id`);
  return [...rows].map((r) => r.reservation_id);
}
