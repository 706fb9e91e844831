import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { findReservation } from "@/db/queries/reservations";
import type { ReservationStatus } from "@/db/schema";
import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import type { Cause } from "@/lib/lifecycle/state-machine";
import { markNoShow } from "@/lib/lifecycle/transitions";
import { bookedPolicy } from "@/lib/reservations/booking-policy";

/** When a confirmed reservation becomes a no-show: its start plus the lot's grace period. */
export const noShowDeadline = (startTime: Date, graceMinutes: number) =>
  new Date(startTime.getTime() + graceMinutes * 60_000);

// Step results travel as JSON (Inngest memoises them), so times are ISO strings.
export type NoShowCheck =
  | { outcome: "marked" | "already_no_show"; status: "no_show" }
  | { outcome: "not_due"; status: "confirmed"; deadline: string }
  | { outcome: "not_confirmed"; status: ReservationStatus | "missing" };

/**
 * The no-show deadline, read from the database, of a reservation the no-show workflow still has
 * work for: one waiting for its car, or one already marked (its penalty may still be owed — a
 * duplicate run then converges on the same single charge). Null for anything else.
 */
export async function noShowDeadlineOf(db: Db, reservationId: string): Promise<string | null> {
  const r = await findReservation(db, reservationId);
  if (!r || (r.status !== "confirmed" && r.status !== "no_show")) return null;
  const lot = (await findLot(db, r.lotId))!;
  return noShowDeadline(r.startTime, bookedPolicy(r, lot).grace_minutes).toISOString();
}

/**
 * confirmed → no_show, if the car has not entered by start + grace as of `now`. Re-reads the row
 * under a lock, so it acts on the window and status as they are now (an extension, an entry or a
 * cancellation that happened while a workflow slept), and is a no-op the second time. Marking the
 * no-show frees the spot (the transition releases it) and fires the lifecycle effects.
 */
export async function markNoShowIfDue(db: Db, reservationId: string, now: Date, cause: Cause): Promise<NoShowCheck> {
  return lifecycleTransaction(db, async (tx) => {
    const r = await findReservation(tx, reservationId, { forUpdate: true });
    if (!r) return { outcome: "not_confirmed", status: "missing" };
    if (r.status === "no_show") return { outcome: "already_no_show", status: "no_show" };
    if (r.status !== "confirmed") return { outcome: "not_confirmed", status: r.status };
    const lot = (await findLot(tx, r.lotId))!;
    const grace = bookedPolicy(r, lot).grace_minutes; // the grace shown at booking
    const deadline = noShowDeadline(r.startTime, grace);
    if (now < deadline) return { outcome: "not_due", status: "confirmed", deadline: deadline.toISOString() };
    await markNoShow(tx, r, {
      cause,
      at: now,
      note: `Not entered by ${deadline.toISOString()} (start + ${grace} min grace)`,
    });
    return { outcome: "marked", status: "no_show" };
  });
}
