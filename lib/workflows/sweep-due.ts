import type { Db } from "@/db/client";
import { moveBookingsOffOverstayedSpots } from "@/lib/allocation/move-bookings";
import { sendDueConfirmationEmails } from "@/lib/mail/booking-confirmation";
import { dueNoShowIds, penaltyOwingIds } from "@/db/queries/backstop";
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
  const marked: string[] = [];
  for (const id of await dueNoShowIds(db, now, BATCH)) {
    if ((await markNoShowIfDue(db, id, now, cause)).outcome === "marked") marked.push(id);
  }
  return marked;
}

/** Recent no-shows on a lot with a penalty and no penalty in the ledger yet → charged (once: the ledger key). */
export async function chargeOutstandingPenalties(db: Db, now: Date): Promise<string[]> {
  const owing = await penaltyOwingIds(db, new Date(now.getTime() - PENALTY_LOOKBACK_MS), BATCH);
  for (const id of owing) await chargeNoShowPenalty(db, id);
  return owing;
}

/**
 * Cars still parked past their end plus the tolerance: the next booking of each such spot moves to
 * a free spot of its type before its driver arrives, or is flagged (ids of each, for the logs).
 */
export async function moveBookingsFromOverstays(db: Db, now: Date): Promise<{ moved: string[]; flagged: string[] }> {
  const { moved, flagged } = await moveBookingsOffOverstayedSpots(db, now);
  return { moved: moved.map((m) => m.reservationId), flagged: flagged.map((f) => f.reservationId) };
}

export type SweepResult = {
  expired: string[];
  noShows: string[];
  penalties: string[];
  paymentsSettled: number;
  overstayMoves: { moved: string[]; flagged: string[] };
  emailsSent: string[];
};

/**
 * Every part of the backstop, in order: holds, no-shows, their penalties, pending money movements,
 * bookings behind an overstay, then confirmation e-mails still owed.
 */
export async function sweepDue(db: Db, now: Date, cause: Cause): Promise<SweepResult> {
  const expired = await expireDueHolds(db, now);
  const noShows = await markDueNoShows(db, now, cause);
  const penalties = await chargeOutstandingPenalties(db, now);
  const { settled } = await sweepPendingPayments(db);
  const overstayMoves = await moveBookingsFromOverstays(db, now);
  const emailsSent = await sendDueConfirmationEmails(db, now);
  return { expired, noShows, penalties, paymentsSettled: settled, overstayMoves, emailsSent };
}
