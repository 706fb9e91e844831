import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { lots, payments, reservations, reservationTransitions } from "@/db/schema";
import type { Cause } from "@/lib/lifecycle/state-machine";
import { chargeNoShowPenalty } from "@/lib/payments/no-show-penalty";
import { sweepPendingPayments } from "@/lib/payments/sweep-pending";
import { expireStaleHolds } from "@/lib/reservations/expire-holds";
import { markNoShowIfDue } from "./no-show";

// The backstop: whatever a lost event, a crash or a deploy left past its deadline, found from the
// database and moved with the same functions the workflows use. The Inngest cron runs each part as
// a step; the in-process scheduler runs them all (sweepDue). Everything here is safe to run twice
// and concurrently: each reservation is locked and re-checked before it moves.

const BATCH = 200;
/** A no-show older than this is not charged by the backstop: a lot that starts charging penalties does not bill old no-shows. */
const PENALTY_LOOKBACK_MS = 24 * 3_600_000;

/** Unpaid holds past their end (except those with a payment in flight) → expired. */
export async function expireDueHolds(db: Db, now: Date): Promise<string[]> {
  const expired: string[] = [];
  for (;;) {
    const batch = await expireStaleHolds(db, {}, now);
    expired.push(...batch);
    if (batch.length < BATCH) return expired;
  }
}

/** Confirmed reservations whose car has not entered by start + grace → no_show. */
export async function markDueNoShows(db: Db, now: Date, cause: Cause): Promise<string[]> {
  const due = await db
    .select({ id: reservations.id })
    .from(reservations)
    .innerJoin(lots, eq(lots.id, reservations.lotId))
    .where(
      and(
        eq(reservations.status, "confirmed"),
        // The grace shown at booking (reservations.policy); older bookings: the lot's current one.
        lte(
          sql`${reservations.startTime} + make_interval(mins => coalesce((${reservations.policy}->>'grace_minutes')::int, ${lots.graceMinutes}))`,
          sql`${now.toISOString()}::timestamptz`,
        ),
      ),
    )
    .orderBy(asc(reservations.startTime))
    .limit(BATCH);
  const marked: string[] = [];
  for (const { id } of due) {
    if ((await markNoShowIfDue(db, id, now, cause)).outcome === "marked") marked.push(id);
  }
  return marked;
}

/** Recent no-shows on a lot with a penalty and no penalty in the ledger yet → charged (once: the ledger key). */
export async function chargeOutstandingPenalties(db: Db, now: Date): Promise<string[]> {
  const owing = await db
    .select({ id: reservations.id })
    .from(reservations)
    .innerJoin(lots, eq(lots.id, reservations.lotId))
    .where(
      and(
        eq(reservations.status, "no_show"),
        sql`coalesce((${reservations.policy}->>'no_show_penalty')::int, ${lots.noShowPenalty}) > 0`,
        sql`not exists (select 1 from ${payments} p where p.reservation_id = ${reservations.id} and p.kind = 'penalty')`,
        sql`exists (select 1 from ${reservationTransitions} t where t.reservation_id = ${reservations.id} and t.to_status = 'no_show'
            and t.created_at > ${new Date(now.getTime() - PENALTY_LOOKBACK_MS).toISOString()}::timestamptz)`,
      ),
    )
    .limit(BATCH);
  for (const { id } of owing) await chargeNoShowPenalty(db, id);
  return owing.map((r) => r.id);
}

export type SweepResult = { expired: string[]; noShows: string[]; penalties: string[]; paymentsSettled: number };

/** Every part of the backstop, in order: holds, no-shows, their penalties, then pending money movements. */
export async function sweepDue(db: Db, now: Date, cause: Cause): Promise<SweepResult> {
  const expired = await expireDueHolds(db, now);
  const noShows = await markDueNoShows(db, now, cause);
  const penalties = await chargeOutstandingPenalties(db, now);
  const { settled } = await sweepPendingPayments(db);
  return { expired, noShows, penalties, paymentsSettled: settled };
}
