import { and, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { spotMoves } from "../schema";

// Why bookings changed spot (lib/allocation/move-bookings.ts), for the driver and the operator.

type MoveReason = "out_of_service" | "overstay";

/** Records a move (to a spot) or a flag (to null); a later attempt for the same booking and spot replaces it. */
export async function recordSpotMove(
  tx: DbOrTx,
  m: { reservationId: string; fromSpotId: string; toSpotId: string | null; reason: MoveReason },
) {
  await tx
    .insert(spotMoves)
    .values(m)
    .onConflictDoUpdate({
      target: [spotMoves.reservationId, spotMoves.fromSpotId],
      set: { toSpotId: m.toSpotId, reason: m.reason, resolvedAt: null, updatedAt: sql`now()` },
    });
}

/** Flags on a spot put back in service need nobody any more: the bookings can use it again. */
export async function resolveOutOfServiceFlags(tx: DbOrTx, spotId: string, now: Date) {
  await tx
    .update(spotMoves)
    .set({ resolvedAt: now })
    .where(
      and(
        eq(spotMoves.fromSpotId, spotId),
        eq(spotMoves.reason, "out_of_service"),
        isNull(spotMoves.toSpotId),
        isNull(spotMoves.resolvedAt),
      ),
    );
}

/** Overstay flags whose spot no longer holds a parked car of another booking: resolved. */
export async function resolveLeftOverstayFlags(db: DbOrTx, now: Date) {
  await db.execute(sql`
    update spot_moves m set resolved_at = ${now.toISOString()}::timestamptz, updated_at = now()
    where m.reason = 'overstay' and m.to_spot_id is null and m.resolved_at is null
      and not exists (select 1 from reservations a where a.spot_id = m.from_spot_id and a.status = 'checked_in' and a.id <> m.reservation_id)`);
}

export type OverstayConflict = {
  reservationId: string;
  spotId: string;
  lotId: string;
  overstayerId: string;
};

/**
 * Bookings that will arrive at a spot still held by a car that overstayed: the car is checked in
 * past its end plus the tolerance it was booked with (or the lot's), and the next booking on that
 * spot has not started parking and starts before `horizon`. A booking already flagged and still
 * stuck is returned again, so each sweep retries it (a spot may have come free).
 */
export async function overstayConflicts(
  db: DbOrTx,
  now: Date,
  horizon: Date,
  limit: number,
): Promise<OverstayConflict[]> {
  const rows = await db.execute<{ reservation_id: string; spot_id: string; lot_id: string; overstayer_id: string }>(sql`
    select distinct on (b.id) b.id as reservation_id, b.spot_id, b.lot_id, a.id as overstayer_id
    from reservations a
    join lots l on l.id = a.lot_id
    join reservations b on b.spot_id = a.spot_id and b.id <> a.id
    where a.status = 'checked_in'
      and a.end_time + make_interval(mins => coalesce((a.policy->>'overstay_tolerance_minutes')::int, l.overstay_tolerance_minutes))
          <= ${now.toISOString()}::timestamptz
      and b.status in ('pending_payment', 'confirmed')
      and b.start_time >= a.end_time
      and b.start_time <= ${horizon.toISOString()}::timestamptz
      and b.end_time > ${now.toISOString()}::timestamptz
    order by b.id, b.start_time
    limit ${limit}`);
  return rows.map((r) => ({
    reservationId: r.reservation_id,
    spotId: r.spot_id,
    lotId: r.lot_id,
    overstayerId: r.overstayer_id,
  }));
}

/** Spots of a lot a car is still parked on past its booking's end: not a place to move anyone to. */
export async function spotsHeldByOverstayers(db: DbOrTx, lotId: string, now: Date): Promise<Set<string>> {
  const rows = await db.execute<{ spot_id: string }>(sql`
    select distinct spot_id from reservations
    where lot_id = ${lotId} and status = 'checked_in' and end_time <= ${now.toISOString()}::timestamptz`);
  return new Set(rows.map((r) => r.spot_id));
}
