import { and, eq, isNull, lt, or, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { reservationEmails } from "../schema";

// The outbox of booking e-mails (lib/mail/booking-confirmation.ts): a row is claimed before its
// e-mail is sent and stamped after, so the effect, the sweep and a second process never send twice.

type Kind = "confirmation";
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * Takes the right to send one e-mail until `leaseUntil`, or null: already sent, out of attempts,
 * or another sender holds it (or a failed attempt is backing off).
 */
export async function claimEmail(
  db: DbOrTx,
  reservationId: string,
  kind: Kind,
  now: Date,
  leaseUntil: Date,
  maxAttempts: number,
) {
  await db.insert(reservationEmails).values({ reservationId, kind }).onConflictDoNothing();
  const [row] = await db
    .update(reservationEmails)
    .set({ attempts: sql`${reservationEmails.attempts} + 1`, leaseUntil })
    .where(
      and(
        eq(reservationEmails.reservationId, reservationId),
        eq(reservationEmails.kind, kind),
        isNull(reservationEmails.sentAt),
        lt(reservationEmails.attempts, maxAttempts),
        or(isNull(reservationEmails.leaseUntil), lte(reservationEmails.leaseUntil, now)),
      ),
    )
    .returning({ attempts: reservationEmails.attempts });
  return row ?? null;
}

export async function markEmailSent(db: DbOrTx, reservationId: string, kind: Kind, at: Date) {
  await db
    .update(reservationEmails)
    .set({ sentAt: at, leaseUntil: null, lastError: null })
    .where(and(eq(reservationEmails.reservationId, reservationId), eq(reservationEmails.kind, kind)));
}

/** A failed attempt: kept for the operator, retried once `retryAt` has passed. */
export async function markEmailFailed(db: DbOrTx, reservationId: string, kind: Kind, error: string, retryAt: Date) {
  await db
    .update(reservationEmails)
    .set({ lastError: error.slice(0, 500), leaseUntil: retryAt })
    .where(and(eq(reservationEmails.reservationId, reservationId), eq(reservationEmails.kind, kind)));
}

/**
 * Paid bookings (confirmed since `since`, still confirmed or parked) whose confirmation e-mail has
 * not gone out and may be tried now: never claimed (the after-commit send was lost), or a failed
 * or abandoned attempt whose back-off or lease has passed.
 */
export async function confirmationEmailsDue(
  db: DbOrTx,
  now: Date,
  since: Date,
  maxAttempts: number,
  limit: number,
): Promise<string[]> {
  // Driven from the recent confirmations (reservation_transitions_confirmed_idx), not a scan of every booking.
  const rows = await db.execute<{ id: string }>(sql`
    select distinct r.id from reservation_transitions t
    join reservations r on r.id = t.reservation_id
    left join reservation_emails e on e.reservation_id = r.id and e.kind = 'confirmation'
    where t.to_status = 'confirmed' and t.created_at > ${ts(since)}
      and r.status in ('confirmed', 'checked_in')
      and (e.reservation_id is null or (e.sent_at is null and e.attempts < ${maxAttempts} and (e.lease_until is null or e.lease_until <= ${ts(now)})))
    limit ${limit}`);
  return rows.map((r) => r.id);
}
