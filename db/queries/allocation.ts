import { eq, getTableColumns, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../client";
import { LOCKS } from "../locks";
import { lots, reservations, type Lot, type NewReservation, type VehicleType } from "../schema";
import { lockStatement } from "./locks";
import { pipelinedTransaction } from "./pipelined";
import { spotBusy, type ReservationWithSpot } from "./reservations";

export type BookingRow = Omit<NewReservation, "spotId" | "id" | "period" | "vehicleType" | "startTime" | "endTime"> & {
  lotId: string;
  vehicleType: VehicleType;
  startTime: Date;
  endTime: Date;
};

/**
 * A lot row with its row version (xmin, which every UPDATE of the row changes): a booking priced
 * from a cached lot names the version it was priced from, and bookFirstFreeSpot books only while
 * the lot row is still that version.
 */
export async function lotWithVersion(db: DbOrTx, lotId: string): Promise<{ lot: Lot; version: string } | null> {
  const [row] = await db
    .select({ lot: lots, version: sql<string>`${lots}.xmin::text` })
    .from(lots)
    .where(eq(lots.id, lotId))
    .limit(1);
  return row ?? null;
}

export type BookingAttempt =
  /** Booked. */
  | { kind: "booked"; reservation: ReservationWithSpot }
  /** The lot row changed since it was read (an operator edit): re-price from the new row. */
  | { kind: "lot_changed" }
  /** The driver already holds the most unpaid holds allowed. */
  | { kind: "hold_limit"; total: number; inLot: number }
  /**
   * Not booked: `candidates` were free in the statement's snapshot; `picked` is the one whose lock
   * it took, null when every candidate was locked by another booker. A picked spot that was not
   * booked went to a booker that committed after the snapshot (the EXCLUDE constraint said so).
   */
  | { kind: "missed"; candidates: string[]; picked: string | null };

export type BookingQuery = {
  from: string;
  before: boolean;
  limit: number;
  spotId?: string;
  lotVersion: string;
  cap: { perLot: number; overall: number; now: Date };
};

/**
 * One booking attempt, one short transaction in one round trip (pipelinedTransaction): the
 * driver's hold-cap lock (LOCKS.holdCap); with `spotId` (every candidate of the last attempt was
 * locked by another booker), that spot's lock (LOCKS.spot), queued on; then the booking statement:
 * the driver's hold cap, the lot's row version, the first up to `limit` free spots of the type from
 * label `from` on (or before it, `before`; or only `spotId`), the first of them whose spot lock is
 * free right now, and the booking of it, returned with its spot's label and level (no read-back).
 *
 * The hold cap counts in the booking statement's snapshot, which READ COMMITTED takes when that
 * statement starts, after the lock statement before it: it sees every hold committed before the lock.
 *
 * The free check reads that snapshot, taken before the spot lock: a booker that committed in between
 * is caught by the EXCLUDE constraint, and `on conflict do nothing` turns that into "missed" rather
 * than an error. The spot lock is held until the transaction ends.
 */
export async function bookFirstFreeSpot(db: Db, row: BookingRow, q: BookingQuery): Promise<BookingAttempt> {
  const answers = await pipelinedTransaction(db, [
    lockStatement(LOCKS.holdCap, row.userId),
    ...(q.spotId ? [lockStatement(LOCKS.spot, q.spotId)] : []),
    bookingStatement(row, q),
  ]);
  const res = answers.at(-1)![0] as {
    lot_current: boolean;
    under_cap: boolean;
    total: number;
    in_lot: number;
    candidates: string[] | null;
    picked: string | null;
    booked: Record<string, unknown> | null;
  };
  if (!res.lot_current) return { kind: "lot_changed" };
  if (!res.under_cap) return { kind: "hold_limit", total: res.total, inLot: res.in_lot };
  if (res.booked) return { kind: "booked", reservation: reservationWithSpotFromJson(res.booked) };
  return { kind: "missed", candidates: res.candidates ?? [], picked: res.picked };
}

/** bookFirstFreeSpot's statement (exported for tests/booking-plan.test.ts, which EXPLAINs it). */
export function bookingStatement(row: BookingRow, q: BookingQuery) {
  const start = row.startTime.toISOString();
  const end = row.endTime.toISOString();
  const where = q.spotId ? sql`s.id = ${q.spotId}` : q.before ? sql`s.label < ${q.from}` : sql`s.label >= ${q.from}`;
  return sql`
    with holds as (
      select count(*)::int as total, (count(*) filter (where r.lot_id = ${row.lotId}))::int as in_lot from reservations r
      where r.user_id = ${row.userId} and r.status = 'pending_payment' and r.hold_expires_at > ${q.cap.now.toISOString()}::timestamptz
    ), ok as (
      select exists (select 1 from lots l where l.id = ${row.lotId} and l.xmin::text = ${q.lotVersion}) as lot_current,
        h.total < ${q.cap.overall} and h.in_lot < ${q.cap.perLot} as under_cap
      from holds h
    ), c as materialized (
      select s.id, s.label, s.level, row_number() over (order by s.label) as o from spots s, ok
      where ok.lot_current and ok.under_cap
        and s.lot_id = ${row.lotId} and s.vehicle_type = ${row.vehicleType} and s.active and ${where}
        and not ${spotBusy(sql`s.id`, row.startTime, row.endTime)}
      order by s.label
      limit ${q.limit}
    ), pick as (
      select id, label, level from (select * from c order by o) c2
      where pg_try_advisory_xact_lock(${LOCKS.spot}, hashtext(c2.id::text)) limit 1
    ), ins as (
      insert into reservations (user_id, lot_id, spot_id, vehicle_type, license_plate, start_time, end_time, status,
        hold_expires_at, amount, currency, pricing, policy)
      select ${row.userId}, ${row.lotId}, pick.id, ${row.vehicleType}, ${row.licensePlate ?? null}, ${start}::timestamptz,
        ${end}::timestamptz, ${row.status}, ${row.holdExpiresAt ? row.holdExpiresAt.toISOString() : null}::timestamptz,
        ${row.amount}, ${row.currency}, ${row.pricing ? JSON.stringify(row.pricing) : null}::jsonb,
        ${row.policy ? JSON.stringify(row.policy) : null}::jsonb
      from pick
      on conflict do nothing
      returning *
    )
    select ok.lot_current, ok.under_cap, h.total, h.in_lot,
      (select array_agg(id order by o) from c) as candidates,
      (select id from pick) as picked,
      (select to_jsonb(ins) || jsonb_build_object('spot_label', pick.label, 'spot_level', pick.level) from ins, pick) as booked
    from ok, holds h`;
}

const reservationColumns = Object.entries(getTableColumns(reservations));

/** A reservation row as to_jsonb renders it (snake_case keys, timestamps as text), in drizzle's shape. */
function reservationWithSpotFromJson(json: Record<string, unknown>): ReservationWithSpot {
  const out: Record<string, unknown> = {};
  for (const [key, column] of reservationColumns) {
    const value = json[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  out.spotLabel = json.spot_label;
  out.spotLevel = json.spot_level ?? null;
  return out as ReservationWithSpot;
}

/** A lot's active spot labels of one type, in label order: where concurrent bookers start looking. */
export async function spotLabels(db: DbOrTx, lotId: string, type: VehicleType): Promise<string[]> {
  const rows = await db.execute<{ label: string }>(
    sql`select label from spots where lot_id = ${lotId} and vehicle_type = ${type} and active order by label`,
  );
  return rows.map((r) => r.label);
}
