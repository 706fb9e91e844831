import { and, asc, desc, eq, getTableColumns, inArray, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { reservations, spots, type ReservationStatus, type VehicleType } from "../schema";

/** Statuses that hold a spot: the same list as the EXCLUDE constraint's WHERE clause (0001 migration). */
export const ACTIVE_STATUSES: ReservationStatus[] = ["pending_payment", "confirmed", "checked_in"];

// Drizzle leaves columns unqualified in a one-table select; inside a correlated subquery that would
// bind to the inner table, so the outer spot id is written out.
const outerSpotId = sql.raw(`"spots"."id"`);

const overlaps = (start: Date, end: Date) =>
  sql`${reservations.period} && tstzrange(${start.toISOString()}::timestamptz, ${end.toISOString()}::timestamptz, '[)')`;

/** Active spots of a type with no active reservation overlapping [start, end), lowest label first. */
export async function freeSpotCandidates(
  db: DbOrTx,
  q: { lotId: string; vehicleType: VehicleType; start: Date; end: Date; limit: number },
) {
  return db
    .select({ id: spots.id, label: spots.label })
    .from(spots)
    .where(
      and(
        eq(spots.lotId, q.lotId),
        eq(spots.vehicleType, q.vehicleType),
        eq(spots.active, true),
        sql`not exists (select 1 from ${reservations} where ${reservations.spotId} = ${outerSpotId}
            and ${inArray(reservations.status, ACTIVE_STATUSES)} and ${overlaps(q.start, q.end)})`,
      ),
    )
    .orderBy(asc(spots.label))
    .limit(q.limit);
}

export async function spotIsFree(db: DbOrTx, spotId: string, start: Date, end: Date, exceptId?: string) {
  const rows = await db
    .select({ id: reservations.id })
    .from(reservations)
    .where(
      and(
        eq(reservations.spotId, spotId),
        inArray(reservations.status, ACTIVE_STATUSES),
        overlaps(start, end),
        exceptId ? sql`${reservations.id} <> ${exceptId}` : undefined,
      ),
    )
    .limit(1);
  return rows.length === 0;
}

/**
 * Free active spots per type for a window. Counts the busy spots from the reservations that overlap
 * the window (the lot+period GiST index finds only those) rather than probing every spot: on a
 * 5,000-spot lot that is the difference between a few rows and 5,000 index probes.
 */
export async function freeSpotCounts(db: DbOrTx, lotId: string, start: Date, end: Date) {
  const rows = await db.execute<{ vehicle_type: VehicleType; total: number; free: number }>(sql`
    with busy as (
      select spots.vehicle_type, count(distinct reservations.spot_id)::int as n
      from reservations join spots on spots.id = reservations.spot_id and spots.active
      where reservations.lot_id = ${lotId} and reservations.status in ('pending_payment', 'confirmed', 'checked_in')
        and reservations.period && tstzrange(${start.toISOString()}::timestamptz, ${end.toISOString()}::timestamptz, '[)')
      group by spots.vehicle_type
    )
    select t.vehicle_type, t.total, t.total - coalesce(busy.n, 0) as free
    from (select vehicle_type, count(*)::int as total from spots where lot_id = ${lotId} and active group by vehicle_type) t
    left join busy on busy.vehicle_type = t.vehicle_type`);
  return rows.map((r) => ({ vehicleType: r.vehicle_type, total: Number(r.total), free: Number(r.free) }));
}

/** A reservation's columns plus its spot's label and level (what drivers and gates are told). */
export const withSpot = { ...getTableColumns(reservations), spotLabel: spots.label, spotLevel: spots.level };

export async function findReservation(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}) {
  const q = db
    .select(withSpot)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(eq(reservations.id, id))
    .limit(1);
  const [row] = opts.forUpdate ? await q.for("update", { of: reservations }) : await q;
  return row ?? null;
}

export type ReservationWithSpot = NonNullable<Awaited<ReturnType<typeof findReservation>>>;

/** Newest first; the cursor is the last row's (created_at, id). */
export async function listReservations(
  db: DbOrTx,
  q: { userId?: string; lotId?: string; lotIds?: string[]; status?: ReservationStatus; limit: number; cursor?: { createdAt: Date; id: string } },
) {
  const conds: (SQL | undefined)[] = [
    q.userId ? eq(reservations.userId, q.userId) : undefined,
    q.lotIds ? inArray(reservations.lotId, q.lotIds) : undefined,
    q.lotId ? eq(reservations.lotId, q.lotId) : undefined,
    q.status ? eq(reservations.status, q.status) : undefined,
  ];
  // JavaScript dates hold milliseconds, PostgreSQL microseconds: order and compare at the cursor's precision.
  const createdMs = sql`date_trunc('milliseconds', ${reservations.createdAt})`;
  if (q.cursor) {
    conds.push(sql`(${createdMs}, ${reservations.id}) < (${q.cursor.createdAt.toISOString()}::timestamptz, ${q.cursor.id}::uuid)`);
  }
  return db
    .select(withSpot)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(and(...conds))
    .orderBy(desc(createdMs), desc(reservations.id))
    .limit(q.limit + 1);
}

/** A lot's reservations of any status overlapping [start, end), earliest first: the operator's day view. */
export async function listLotReservationsBetween(db: DbOrTx, q: { lotId: string; start: Date; end: Date; limit: number }) {
  return db
    .select(withSpot)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(and(eq(reservations.lotId, q.lotId), overlaps(q.start, q.end)))
    .orderBy(asc(reservations.startTime), asc(spots.label))
    .limit(q.limit);
}
