import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { lots, payments, reservations, reservationTransitions } from "../schema";

// The backstop's finders (lib/workflows): what a lost event or a crash left past its deadline.

/** A payment of the reservation the processor has not answered yet. */
export async function hasPaymentInFlight(db: DbOrTx, reservationId: string) {
  const [row] = await db
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.reservationId, reservationId), eq(payments.status, "pending")))
    .limit(1);
  return row !== undefined;
}

/** Confirmed reservations whose start + grace has passed, oldest first. */
// The grace and penalty are those shown at booking (reservations.policy); older bookings: the lot's current ones.
export async function dueNoShowIds(db: DbOrTx, now: Date, limit: number) {
  const rows = await db
    .select({ id: reservations.id })
    .from(reservations)
    .innerJoin(lots, eq(lots.id, reservations.lotId))
    .where(
      and(
        eq(reservations.status, "confirmed"),
        lte(
          sql`${reservations.startTime} + make_interval(mins => coalesce((${reservations.policy}->>'grace_minutes')::int, ${lots.graceMinutes}))`,
          sql`${now.toISOString()}::timestamptz`,
        ),
      ),
    )
    .orderBy(asc(reservations.startTime))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** No-shows since `since` on lots with a penalty, with no penalty in the ledger yet. */
export async function penaltyOwingIds(db: DbOrTx, since: Date, limit: number) {
  const rows = await db
    .select({ id: reservations.id })
    .from(reservations)
    .innerJoin(lots, eq(lots.id, reservations.lotId))
    .where(
      and(
        eq(reservations.status, "no_show"),
        sql`coalesce((${reservations.policy}->>'no_show_penalty')::int, ${lots.noShowPenalty}) > 0`,
        sql`not exists (select 1 from ${payments} p where p.reservation_id = ${reservations.id} and p.kind = 'penalty')`,
        sql`exists (select 1 from ${reservationTransitions} t where t.reservation_id = ${reservations.id} and t.to_status = 'no_show'
            and t.created_at > ${since.toISOString()}::timestamptz)`,
      ),
    )
    .limit(limit);
  return rows.map((r) => r.id);
}
