import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { LOCKS } from "../locks";
import type { NewReservation, VehicleType } from "../schema";

// Statuses that hold a spot, as in the EXCLUDE constraint (0001 migration) and ACTIVE_STATUSES.
const HOLDING = sql.raw(`('pending_payment', 'confirmed', 'checked_in')`);

export type BookingRow = Omit<NewReservation, "spotId" | "id" | "period" | "vehicleType" | "startTime" | "endTime"> & {
  lotId: string;
  vehicleType: VehicleType;
  startTime: Date;
  endTime: Date;
};

/**
 * One statement, so one round trip and its own short transaction: the first up to `limit` free
 * spots of the type from label `from` on (or before it, `before`), the first of them whose
 * per-spot advisory lock (LOCKS.spot, see allocate-spot.ts) is free right now, and the booking of
 * it. The lock is held until this statement commits. The free check reads the statement's snapshot,
 * taken before the lock: a booker that committed in between is caught by the EXCLUDE constraint
 * (23P01), which the caller treats as "taken, try again". Returns the candidates seen (in order)
 * and the new reservation's id, if any.
 */
export async function bookFirstFreeSpot(
  db: DbOrTx,
  row: BookingRow,
  q: { from: string; before: boolean; limit: number },
): Promise<{ candidates: string[]; id: string | null }> {
  const start = row.startTime.toISOString();
  const end = row.endTime.toISOString();
  const range = sql`tstzrange(${start}::timestamptz, ${end}::timestamptz, '[)')`;
  const labelCond = q.before ? sql`s.label < ${q.from}` : sql`s.label >= ${q.from}`;
  const [res] = await db.execute<{ candidates: string[] | null; id: string | null }>(sql`
    with c as materialized (
      select s.id, row_number() over (order by s.label) as o from spots s
      where s.lot_id = ${row.lotId} and s.vehicle_type = ${row.vehicleType} and s.active and ${labelCond}
        and not exists (select 1 from reservations r where r.spot_id = s.id and r.status in ${HOLDING} and r.period && ${range})
      order by s.label
      limit ${q.limit}
    ), pick as (
      select id from (select id from c order by o) c2 where pg_try_advisory_xact_lock(${LOCKS.spot}, hashtext(c2.id::text)) limit 1
    ), ins as (
      insert into reservations (user_id, lot_id, spot_id, vehicle_type, license_plate, start_time, end_time, status,
        hold_expires_at, amount, currency, pricing, policy)
      select ${row.userId}, ${row.lotId}, pick.id, ${row.vehicleType}, ${row.licensePlate ?? null}, ${start}::timestamptz,
        ${end}::timestamptz, ${row.status}, ${row.holdExpiresAt ? row.holdExpiresAt.toISOString() : null}::timestamptz,
        ${row.amount}, ${row.currency}, ${row.pricing ? JSON.stringify(row.pricing) : null}::jsonb,
        ${row.policy ? JSON.stringify(row.policy) : null}::jsonb
      from pick
      returning id
    )
    select (select array_agg(id order by o) from c) as candidates, (select id from ins) as id`);
  return { candidates: res?.candidates ?? [], id: res?.id ?? null };
}

/** A lot's active spot labels of one type, in label order: where concurrent bookers start looking. */
export async function spotLabels(db: DbOrTx, lotId: string, type: VehicleType): Promise<string[]> {
  const rows = await db.execute<{ label: string }>(
    sql`select label from spots where lot_id = ${lotId} and vehicle_type = ${type} and active order by label`,
  );
  return rows.map((r) => r.label);
}
