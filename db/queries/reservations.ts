import { and, asc, desc, eq, getTableColumns, inArray, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { reservations, spots, type ReservationStatus, type VehicleType } from "../schema";

/** Statuses that hold a spot: the same list as the EXCLUDE constraint's WHERE clause (0001 migration). */
export const ACTIVE_STATUSES: ReservationStatus[] = ["pending_payment", "confirmed", "checked_in"];

// Drizzle leaves columns unqualified in a one-table select; inside a correlated subquery that would
// bind to the inner table, so the outer spot id is written out.
const outerSpotId = sql.raw(`"spots"."id"`);

// Statuses that hold a spot, written out for raw SQL.
const HOLDING_SQL = sql.raw(`('pending_payment', 'confirmed', 'checked_in')`);

/**
 * "Spot `spotId` has an active reservation overlapping [start, end)", as a probe of that one spot's
 * rows through the EXCLUDE constraint's index (spot_id, period), whatever the statistics say.
 *
 * Written as `period && tstzrange(...)`, the test is also served by the lot's (lot_id, period)
 * index, and for a window booked since the last ANALYZE — every new event's window — the planner
 * estimates one overlapping row: it then reads every booking of the window in the lot once,
 * materialises them, and compares each spot against all of them (measured: 4.6 of a booking's
 * 5.3 ms at 1,200 bookings of one window, growing with each booking). Start and end compared as
 * columns (the same test: period is tstzrange(start_time, end_time, '[)') and never empty) leave
 * only the spot's index, and OFFSET 0 keeps the subquery a per-spot probe rather than a join.
 */
export const spotBusy = (spotId: SQL, start: Date, end: Date, exceptId?: string) =>
  sql`exists (select 1 from reservations busy where busy.spot_id = ${spotId} and busy.status in ${HOLDING_SQL}
    and busy.start_time < ${end.toISOString()}::timestamptz and busy.end_time > ${start.toISOString()}::timestamptz
    ${exceptId ? sql`and busy.id <> ${exceptId}` : sql``} offset 0)`;

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
        sql`not ${spotBusy(outerSpotId, q.start, q.end)}`,
      ),
    )
    .orderBy(asc(spots.label))
    .limit(q.limit);
}

export async function spotIsFree(db: DbOrTx, spotId: string, start: Date, end: Date, exceptId?: string) {
  const [row] = await db.execute<{ busy: boolean }>(
    sql`select ${spotBusy(sql`${spotId}::uuid`, start, end, exceptId)} as busy`,
  );
  return !row!.busy;
}

export type SpotTotal = { vehicleType: VehicleType; total: number; inactive: string[] };
export type FreeSpotCount = { vehicleType: VehicleType; total: number; free: number };

/** A lot's active spots per type, and the ids of its inactive ones (few: spots out of service). */
export async function spotTotals(db: DbOrTx, lotId: string): Promise<SpotTotal[]> {
  const rows = await db.execute<{ vehicle_type: VehicleType; total: number; inactive: string[] | null }>(sql`
    select vehicle_type, (count(*) filter (where active))::int as total, array_agg(id) filter (where not active) as inactive
    from spots where lot_id = ${lotId} group by vehicle_type`);
  return rows.map((r) => ({ vehicleType: r.vehicle_type, total: Number(r.total), inactive: r.inactive ?? [] }));
}

/**
 * Spots per type busy at some time in [start, end), from the reservations that overlap the window
 * (the lot+period GiST index finds only those) rather than probing every spot: on a 5,000-spot lot
 * that is the difference between a few rows and 5,000 index probes. Distinct spots, hashed (a
 * spot can hold two bookings that both touch the window); reservations on inactive spots are left
 * out by id, not by joining every spot of the lot.
 */
async function busySpotCounts(db: DbOrTx, lotId: string, start: Date, end: Date, inactive: string[]) {
  const rows = await db.execute<{ vehicle_type: VehicleType; n: number }>(sql`
    select vehicle_type, count(*)::int as n from (
      select distinct r.vehicle_type, r.spot_id from reservations r
      where r.lot_id = ${lotId} and r.status in ${HOLDING_SQL}
        and r.period && tstzrange(${start.toISOString()}::timestamptz, ${end.toISOString()}::timestamptz, '[)')
        and not (r.spot_id = any (${`{${inactive.join(",")}}`}::uuid[]))
    ) d group by vehicle_type`);
  return new Map(rows.map((r) => [r.vehicle_type, Number(r.n)]));
}

/**
 * Free active spots per type for a window: the busy spots counted now, the totals read now unless
 * the caller has them (lib/availability/free-spots.ts caches them).
 */
export async function freeSpotCounts(
  db: DbOrTx,
  lotId: string,
  start: Date,
  end: Date,
  knownTotals?: SpotTotal[],
): Promise<FreeSpotCount[]> {
  const totals = knownTotals ?? (await spotTotals(db, lotId));
  return freeFrom(
    totals,
    await busySpotCounts(
      db,
      lotId,
      start,
      end,
      totals.flatMap((t) => t.inactive),
    ),
  );
}

function freeFrom(totals: SpotTotal[], busy: Map<VehicleType, number>): FreeSpotCount[] {
  return totals.map((t) => ({
    vehicleType: t.vehicleType,
    total: t.total,
    free: t.total - (busy.get(t.vehicleType) ?? 0),
  }));
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

/** The status and lot of many reservations, by id (those that exist). */
export async function reservationStates(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return new Map<string, { status: ReservationStatus; lotId: string }>();
  const rows = await db
    .select({ id: reservations.id, status: reservations.status, lotId: reservations.lotId })
    .from(reservations)
    .where(inArray(reservations.id, ids));
  return new Map(rows.map((r) => [r.id, { status: r.status, lotId: r.lotId }]));
}

/** Many reservations, locked for update in id order (two batches lock in the same order, never in a cycle). */
export async function findReservationsForUpdate(db: DbOrTx, ids: string[]): Promise<ReservationWithSpot[]> {
  if (ids.length === 0) return [];
  return db
    .select(withSpot)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(inArray(reservations.id, ids))
    .orderBy(asc(reservations.id))
    .for("update", { of: reservations });
}

/** Newest first; the cursor is the last row's (created_at, id). */
export async function listReservations(
  db: DbOrTx,
  q: {
    userId?: string;
    lotId?: string;
    lotIds?: string[];
    status?: ReservationStatus;
    limit: number;
    cursor?: { createdAt: Date; id: string };
  },
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
    conds.push(
      sql`(${createdMs}, ${reservations.id}) < (${q.cursor.createdAt.toISOString()}::timestamptz, ${q.cursor.id}::uuid)`,
    );
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
export async function listLotReservationsBetween(
  db: DbOrTx,
  q: { lotId: string; start: Date; end: Date; limit: number },
) {
  return db
    .select(withSpot)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(and(eq(reservations.lotId, q.lotId), overlaps(q.start, q.end)))
    .orderBy(asc(reservations.startTime), asc(spots.label))
    .limit(q.limit);
}
