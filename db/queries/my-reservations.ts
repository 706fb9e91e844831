import { and, asc, desc, eq, inArray, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { lots, payments, reservations, spots } from "../schema";

export const RESERVATION_TABS = ["upcoming", "active", "past"] as const;
export type ReservationTab = (typeof RESERVATION_TABS)[number];

const FINISHED = ["completed", "cancelled", "no_show", "expired"] as const;
const WAITING = ["pending_payment", "confirmed"] as const;

/**
 * Which bookings a tab holds at `now`. Upcoming: not yet started; active: parked now, or inside its
 * window; past: finished by status or by time. Every booking is in exactly one tab.
 */
function tabCondition(tab: ReservationTab, now: Date): SQL {
  const at = sql`${now.toISOString()}::timestamptz`;
  const upcoming = and(inArray(reservations.status, [...WAITING]), sql`${reservations.startTime} > ${at}`)!;
  const active = or(
    eq(reservations.status, "checked_in"),
    and(
      inArray(reservations.status, [...WAITING]),
      sql`${reservations.startTime} <= ${at}`,
      sql`${reservations.endTime} > ${at}`,
    ),
  )!;
  if (tab === "upcoming") return upcoming;
  if (tab === "active") return active;
  return or(
    inArray(reservations.status, [...FINISHED]),
    and(notInArray(reservations.status, ["checked_in", ...FINISHED]), sql`${reservations.endTime} <= ${at}`),
  )!;
}

// Money per booking straight from the ledger, so a reload shows what was paid and given back.
const paidSql = sql<number>`coalesce((select sum(p.amount) from ${payments} p where p.reservation_id = ${reservations.id}
  and p.status = 'succeeded' and p.kind <> 'refund'), 0)::int`;
const refundedSql = sql<number>`coalesce((select sum(p.amount) from ${payments} p where p.reservation_id = ${reservations.id}
  and p.status <> 'failed' and p.kind = 'refund'), 0)::int`;

/**
 * Why the booking is on another spot than it was booked on (or may find its spot taken), for its
 * driver: the latest move onto the current spot, or an open flag on it (lib/allocation/move-bookings.ts).
 */
export type SpotChange = { reason: "out_of_service" | "overstay"; from: string; flagged: boolean };
const spotChangeSql = sql<SpotChange | null>`(select json_build_object('reason', m.reason, 'from', fs.label, 'flagged', m.to_spot_id is null)
  from spot_moves m join spots fs on fs.id = m.from_spot_id
  where m.reservation_id = ${reservations.id} and (m.to_spot_id = ${reservations.spotId}
    or (m.to_spot_id is null and m.resolved_at is null and m.from_spot_id = ${reservations.spotId}))
  order by m.updated_at desc limit 1)`;

export const myReservationColumns = {
  id: reservations.id,
  userId: reservations.userId,
  lotId: reservations.lotId,
  spotId: reservations.spotId,
  status: reservations.status,
  vehicleType: reservations.vehicleType,
  licensePlate: reservations.licensePlate,
  startTime: reservations.startTime,
  endTime: reservations.endTime,
  amount: reservations.amount,
  currency: reservations.currency,
  holdExpiresAt: reservations.holdExpiresAt,
  cancelledAt: reservations.cancelledAt,
  createdAt: reservations.createdAt,
  spotLabel: spots.label,
  spotLevel: spots.level,
  lotName: lots.name,
  lotAddress: lots.address,
  timeZone: lots.timeZone,
  cancelFullRefundMinutesBefore: lots.cancelFullRefundMinutesBefore,
  cancelLateRefundPercent: lots.cancelLateRefundPercent,
  paid: paidSql,
  refunded: refundedSql,
  spotChange: spotChangeSql,
};

/** How many bookings a driver has in each tab at `now` (one scan of their reservations). */
export async function myReservationCounts(db: DbOrTx, userId: string, now: Date) {
  const [counts] = await db
    .select({
      upcoming: sql<number>`count(*) filter (where ${tabCondition("upcoming", now)})::int`,
      active: sql<number>`count(*) filter (where ${tabCondition("active", now)})::int`,
      past: sql<number>`count(*) filter (where ${tabCondition("past", now)})::int`,
    })
    .from(reservations)
    .where(eq(reservations.userId, userId));
  return counts ?? { upcoming: 0, active: 0, past: 0 };
}

/** One page of a driver's bookings in a tab: upcoming and active soonest first, past latest first. */
export async function myReservationsPage(
  db: DbOrTx,
  q: { userId: string; tab: ReservationTab; page: number; pageSize: number; now: Date },
) {
  return db
    .select(myReservationColumns)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .innerJoin(lots, eq(lots.id, reservations.lotId))
    .where(and(eq(reservations.userId, q.userId), tabCondition(q.tab, q.now)))
    .orderBy(q.tab === "past" ? desc(reservations.startTime) : asc(reservations.startTime), asc(reservations.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
}

/** One booking with its lot and ledger totals, for its confirmation page. */
export async function myReservation(db: DbOrTx, id: string) {
  const [row] = await db
    .select(myReservationColumns)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .innerJoin(lots, eq(lots.id, reservations.lotId))
    .where(eq(reservations.id, id))
    .limit(1);
  return row ?? null;
}

export type MyReservation = NonNullable<Awaited<ReturnType<typeof myReservation>>>;
