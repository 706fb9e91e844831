import { getDb } from "@/db/client";
import { chargeNoShowPenalty } from "@/lib/payments/no-show-penalty";
import { markNoShowIfDue, noShowDeadlineOf } from "@/lib/workflows/no-show";
import { inngest } from "../client";
import { reservationCancelled, reservationChanged, reservationConfirmed, vehicleEntered } from "../events";

const SAME_RESERVATION = "event.data.reservation_id == async.data.reservation_id";
/** Rounds of "the window moved later, sleep again" before leaving it to the backstop. */
const MAX_ROUNDS = 5;

/**
 * reservation.confirmed → sleep until start + the lot's grace → if the car has not entered: mark
 * no_show (which frees the spot), then charge the penalty once.
 *
 * - The car entering or a cancellation cancels the wait (cancelOn, matched on the reservation).
 * - A window edit (reservation.changed) starts a fresh run that reads the new deadline, and
 *   `singleton: cancel` ends the one sleeping on the old. The deadline is always read from the
 *   database, and the marking step re-checks it, so a run that wakes early sleeps again.
 * - Every step is safe twice: marking is a no-op once marked, the penalty's ledger key makes it
 *   move money once, whether this run, a retry or the backstop gets there first.
 */
export const noShowFunction = inngest.createFunction(
  {
    id: "no-show",
    triggers: [reservationConfirmed, reservationChanged],
    singleton: { key: "event.data.reservation_id", mode: "cancel" },
    cancelOn: [
      { event: vehicleEntered, if: SAME_RESERVATION },
      { event: reservationCancelled, if: SAME_RESERVATION },
    ],
  },
  async ({ event, step }) => {
    const id = event.data.reservation_id;
    let deadline = await step.run("read-deadline", async () => noShowDeadlineOf(await getDb(), id));
    for (let round = 1; deadline && round <= MAX_ROUNDS; round++) {
      const suffix = round === 1 ? "" : `-${round}`;
      await step.sleepUntil(`wait-for-grace-end${suffix}`, new Date(deadline));
      const check = await step.run(`mark-no-show${suffix}`, async () =>
        markNoShowIfDue(await getDb(), id, new Date(), "inngest"),
      );
      if (check.outcome === "not_due") {
        deadline = check.deadline;
        continue;
      }
      if (check.status !== "no_show") return { ...check, penalty: null };
      const penalty = await step.run("charge-no-show-penalty", async () => chargeNoShowPenalty(await getDb(), id));
      return { ...check, penalty };
    }
    return { outcome: deadline ? ("left_to_backstop" as const) : ("not_waiting" as const), penalty: null };
  },
);
