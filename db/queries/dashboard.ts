import { and, asc, count, desc, eq, gte, ilike, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { payments, reservations, spotMoves, spots, users, type ReservationStatus } from "../schema";
import { ACTIVE_STATUSES } from "./reservations";

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Spots taken per vehicle type in each hour of [start, end) — the day's occupancy chart. */
export async function hourlyOccupancy(db: DbOrTx, lotId: string, start: Date, end: Date) {
  const rows = await db.execute<{ hour: Date | string; vehicle_type: string; taken: number }>(sql`
    select h.hour, r.vehicle_type, count(r.id)::int as taken
    from generate_series(${ts(start)}, ${ts(end)} - interval '1 hour', interval '1 hour') as h(hour)
    join ${reservations} r on r.lot_id = ${lotId}
      and r.status in ('pending_payment', 'confirmed', 'checked_in', 'completed')
      and r.period && tstzrange(h.hour, h.hour + interval '1 hour', '[)')
    group by h.hour, r.vehicle_type
    order by h.hour`);
  return [...rows].map((r) => ({ hour: new Date(r.hour), vehicleType: r.vehicle_type, taken: Number(r.taken) }));
}

const withSpotAndDriver = {
  id: reservations.id,
  status: reservations.status,
  vehicleType: reservations.vehicleType,
  licensePlate: reservations.licensePlate,
  startTime: reservations.startTime,
  endTime: reservations.endTime,
  amount: reservations.amount,
  currency: reservations.currency,
  spotLabel: spots.label,
  spotActive: spots.active,
  driverEmail: users.email,
  driverName: users.name,
};

/** A lot's bookings in one status whose start falls in [from, to), with their spot and driver. */
function startingIn(
  db: DbOrTx,
  lotId: string,
  status: "confirmed" | "no_show",
  from: Date,
  to: Date,
  order: "earliest" | "latest",
) {
  return db
    .select(withSpotAndDriver)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .innerJoin(users, eq(users.id, reservations.userId))
    .where(
      and(
        eq(reservations.lotId, lotId),
        eq(reservations.status, status),
        gte(reservations.startTime, from),
        lt(reservations.startTime, to),
      ),
    )
    .orderBy(order === "earliest" ? asc(reservations.startTime) : desc(reservations.startTime))
    .limit(100);
}

/** Paid bookings starting in [from, to): the cars expected at the entry. */
export const expectedArrivals = (db: DbOrTx, lotId: string, from: Date, to: Date) =>
  startingIn(db, lotId, "confirmed", from, to, "earliest");

/** Bookings that became no-shows with a start in [from, to), latest first. */
export const recentNoShows = (db: DbOrTx, lotId: string, from: Date, to: Date) =>
  startingIn(db, lotId, "no_show", from, to, "latest");

/**
 * Bookings the move (lib/allocation/move-bookings.ts) found no free spot for: still on a spot that
 * is out of service, or on one a car is overstaying on (an open flag). The operator acts.
 */
export async function bookingsNeedingASpot(db: DbOrTx, lotId: string, now: Date) {
  const overstayFlag = sql`exists (select 1 from ${spotMoves} m where m.reservation_id = ${reservations.id} and m.from_spot_id = ${reservations.spotId}
    and m.to_spot_id is null and m.resolved_at is null and m.reason = 'overstay')`;
  return db
    .select(withSpotAndDriver)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .innerJoin(users, eq(users.id, reservations.userId))
    .where(
      and(
        eq(reservations.lotId, lotId),
        or(eq(spots.active, false), overstayFlag),
        inArray(reservations.status, ACTIVE_STATUSES),
        sql`${reservations.endTime} > ${ts(now)}`,
      ),
    )
    .orderBy(asc(reservations.startTime))
    .limit(100);
}

export type ReservationFilter = {
  q?: string;
  status?: ReservationStatus;
  from?: Date;
  to?: Date;
  page: number;
  pageSize: number;
};

/** A lot's reservations by plate, spot, driver name or e-mail, status and window; earliest first. */
export async function searchLotReservations(db: DbOrTx, lotId: string, f: ReservationFilter) {
  const conds: (SQL | undefined)[] = [eq(reservations.lotId, lotId)];
  if (f.q) {
    const p = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const plate = `%${f.q.toUpperCase().replace(/[^A-Z0-9]/g, "")}%`;
    conds.push(
      or(ilike(reservations.licensePlate, plate), ilike(spots.label, p), ilike(users.email, p), ilike(users.name, p)),
    );
  }
  if (f.status) conds.push(eq(reservations.status, f.status));
  if (f.from) conds.push(sql`${reservations.endTime} > ${ts(f.from)}`);
  if (f.to) conds.push(sql`${reservations.startTime} < ${ts(f.to)}`);
  const where = and(...conds);
  const base = () =>
    db
      .select(withSpotAndDriver)
      .from(reservations)
      .innerJoin(spots, eq(spots.id, reservations.spotId))
      .innerJoin(users, eq(users.id, reservations.userId));
  const [rows, [total]] = await Promise.all([
    base()
      .where(where)
      .orderBy(asc(reservations.startTime), asc(reservations.id))
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize),
    db
      .select({ n: count() })
      .from(reservations)
      .innerJoin(spots, eq(spots.id, reservations.spotId))
      .innerJoin(users, eq(users.id, reservations.userId))
      .where(where),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}

/**
 * Money in and out per local day of the lot, per currency (a lot that changed currency keeps both):
 * charges, extensions and penalties that succeeded, minus refunds that succeeded.
 */
export async function revenueByDay(db: DbOrTx, lotId: string, from: Date, to: Date, timeZone: string) {
  const day = sql`(${payments.createdAt} at time zone ${timeZone})::date`;
  const rows = await db
    .select({
      day: sql<string>`${day}::text`,
      currency: payments.currency,
      charged: sql<number>`coalesce(sum(${payments.amount}) filter (where ${payments.kind} <> 'refund'), 0)::int`,
      refunded: sql<number>`coalesce(sum(${payments.amount}) filter (where ${payments.kind} = 'refund'), 0)::int`,
      movements: sql<number>`count(*)::int`,
    })
    .from(payments)
    .innerJoin(reservations, eq(reservations.id, payments.reservationId))
    .where(
      and(
        eq(reservations.lotId, lotId),
        eq(payments.status, "succeeded"),
        gte(payments.createdAt, from),
        lt(payments.createdAt, to),
      ),
    )
    // By position: the zone is a bound parameter, and PostgreSQL does not see two copies of the
    // day expression with different parameter numbers as the same expression.
    .groupBy(sql`1`, sql`2`)
    .orderBy(sql`1`, sql`2`);
  return rows.map((r) => ({ ...r, net: r.charged - r.refunded }));
}

/** A lot's latest ledger rows, optionally only one kind (refunds), newest first. */
export async function recentLedger(db: DbOrTx, lotId: string, q: { kind?: "refund"; limit: number }) {
  return db
    .select({
      id: payments.id,
      reservationId: payments.reservationId,
      kind: payments.kind,
      status: payments.status,
      amount: payments.amount,
      currency: payments.currency,
      description: payments.description,
      failureCode: payments.failureCode,
      createdAt: payments.createdAt,
      spotLabel: spots.label,
    })
    .from(payments)
    .innerJoin(reservations, eq(reservations.id, payments.reservationId))
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(and(eq(reservations.lotId, lotId), q.kind ? eq(payments.kind, q.kind) : undefined))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(q.limit);
}

/** The booked value of reservations overlapping [start, end), per booking currency (not the lot's current one). */
export async function bookedValueByCurrency(db: DbOrTx, lotIds: string[], start: Date, end: Date) {
  if (lotIds.length === 0) return [];
  return db
    .select({
      lotId: reservations.lotId,
      currency: reservations.currency,
      amount: sql<number>`sum(${reservations.amount})::int`,
      n: count(),
    })
    .from(reservations)
    .where(
      and(
        inArray(reservations.lotId, lotIds),
        inArray(reservations.status, ["pending_payment", "confirmed", "checked_in", "completed", "no_show"]),
        sql`${reservations.period} && tstzrange(${ts(start)}, ${ts(end)}, '[)')`,
      ),
    )
    .groupBy(reservations.lotId, reservations.currency);
}
