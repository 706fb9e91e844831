import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { findReservation } from "@/db/queries/reservations";
import type { ParkingEvent } from "@/inngest/events";
import type { LifecycleChange, LifecycleEffect } from "@/lib/lifecycle/effects";
import { noShowDeadline } from "./no-show";
import { bookedPolicy } from "@/lib/reservations/booking-policy";
import { inngestConfigured, sendEvent } from "./send-event";
import { backgroundWork } from "@/lib/background";

// Event ids are the idempotency keys: a status is reached at most once per reservation, so
// "<event>:<reservation>" makes a re-run effect (or a retried request that re-commits nothing)
// publish nothing new. Window edits can repeat, so theirs also carry the edit's time.
const eventId = (name: string, reservationId: string, suffix?: string) =>
  `${name.replace("parking/", "")}:${reservationId}${suffix ? `:${suffix}` : ""}`;

const FINAL_EVENTS = {
  cancelled: "parking/reservation.cancelled",
  expired: "parking/reservation.expired",
  no_show: "parking/reservation.no_show",
  completed: "parking/reservation.completed",
} as const;

/** The workflow event a committed change announces, or null (a check-in is announced by the gate's vehicle.entered). */
export async function eventForChange(db: Db, change: LifecycleChange): Promise<ParkingEvent | null> {
  const id = change.reservationId;
  if (change.kind === "edited") {
    return {
      name: "parking/reservation.changed",
      data: { reservation_id: id },
      id: eventId("reservation.changed", id, String(change.at.getTime())),
    };
  }
  if (change.kind === "created") {
    if (!change.holdExpiresAt) return null;
    return {
      name: "parking/reservation.created",
      data: { reservation_id: id, hold_expires_at: change.holdExpiresAt.toISOString() },
      id: eventId("reservation.created", id),
    };
  }
  if (change.to === "confirmed") {
    const r = await findReservation(db, id);
    const lot = r && (await findLot(db, r.lotId));
    if (!r || !lot) return null;
    return {
      name: "parking/reservation.confirmed",
      data: {
        reservation_id: id,
        start_time: r.startTime.toISOString(),
        grace_ends_at: noShowDeadline(r.startTime, bookedPolicy(r, lot).grace_minutes).toISOString(),
      },
      id: eventId("reservation.confirmed", id),
    };
  }
  if (change.to in FINAL_EVENTS) {
    const name = FINAL_EVENTS[change.to as keyof typeof FINAL_EVENTS];
    return { name, data: { reservation_id: id }, id: eventId(name, id) } as ParkingEvent;
  }
  return null;
}

async function publishChanges(db: Db, changes: LifecycleChange[]) {
  let failure: unknown;
  for (const change of changes) {
    try {
      const event = await eventForChange(db, change);
      if (event) await sendEvent(event);
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure) throw failure;
}

const sends = backgroundWork("lifecycle-events");

/**
 * The after-commit effect (lib/lifecycle/effects.ts) that publishes each change as a workflow
 * event. One failed send does not stop the others; the backstop finds any deadline whose event was
 * lost. Sends to Inngest go on in the background: a booking, payment or cancellation answer would
 * otherwise wait for Inngest's event API — a round trip to Inngest Cloud on every one, and while it
 * cannot be reached the SDK's retries, about two seconds. Without Inngest the in-process scheduler
 * takes the event at once, and a failure is rethrown for runEffects to log.
 */
export const emitLifecycleEvents: LifecycleEffect = async (db, changes) => {
  if (!inngestConfigured()) return publishChanges(db, changes);
  sends.start(
    publishChanges(db, changes).catch((err) =>
      console.warn(
        "[spotkeeper] lifecycle events not sent to Inngest (the scheduler backstop repairs it):",
        (err as Error).message,
      ),
    ),
  );
};

/** Resolves when no lifecycle event is being sent to Inngest (tests wait on it). */
export const lifecycleEventsIdle = sends.idle;
