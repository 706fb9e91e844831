import { getDb } from "@/db/client";
import { expireHoldIfDue } from "@/lib/workflows/hold-expiry";
import { inngest } from "../client";
import { reservationCancelled, reservationConfirmed, reservationCreated } from "../events";

const SAME_RESERVATION = "event.data.reservation_id == async.data.reservation_id";
/** Rounds of "the hold moved on, sleep again" before leaving it to the backstop. */
const MAX_ROUNDS = 5;

/**
 * reservation.created → sleep until the hold ends → expire it if still unpaid, freeing the spot.
 * Paying or cancelling ends the wait early; the step re-reads the reservation anyway, because a
 * cancellation does not undo a step that already started.
 */
export const paymentHoldExpiryFunction = inngest.createFunction(
  {
    id: "payment-hold-expiry",
    triggers: [reservationCreated],
    cancelOn: [
      { event: reservationConfirmed, if: SAME_RESERVATION },
      { event: reservationCancelled, if: SAME_RESERVATION },
    ],
  },
  async ({ event, step }) => {
    const id = event.data.reservation_id;
    let deadline = event.data.hold_expires_at;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const suffix = round === 1 ? "" : `-${round}`;
      await step.sleepUntil(`wait-for-hold-end${suffix}`, new Date(deadline));
      const check = await step.run(`expire-hold-if-unpaid${suffix}`, async () =>
        expireHoldIfDue(await getDb(), id, new Date(), "inngest"),
      );
      if (check.outcome !== "not_due") return check;
      deadline = check.deadline;
    }
    return { outcome: "left_to_backstop" as const };
  },
);
