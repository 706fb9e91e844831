import { cron } from "inngest";
import { getDb } from "@/db/client";
import { sweepPendingPayments } from "@/lib/payments/sweep-pending";
import { sendDueConfirmationEmails } from "@/lib/mail/booking-confirmation";
import {
  chargeOutstandingPenalties,
  expireDueHolds,
  markDueNoShows,
  moveBookingsFromOverstays,
} from "@/lib/workflows/sweep-due";
import { inngest } from "../client";

/**
 * Every minute, whatever a lost event or a failed run left past its deadline: unpaid holds, no-shows
 * and their penalties, money movements still pending, bookings whose spot an overstaying car holds,
 * and confirmation e-mails still owed. The same functions the event-driven workflows use, so the
 * outcome is the same whichever gets there first.
 */
export const lifecycleBackstopFunction = inngest.createFunction(
  { id: "lifecycle-backstop", triggers: [cron("* * * * *")], concurrency: 1 },
  async ({ step }) => {
    const expired = await step.run("expire-stale-holds", async () => expireDueHolds(await getDb(), new Date()));
    const noShows = await step.run("mark-overdue-no-shows", async () =>
      markDueNoShows(await getDb(), new Date(), "inngest"),
    );
    const penalties = await step.run("charge-outstanding-penalties", async () =>
      chargeOutstandingPenalties(await getDb(), new Date()),
    );
    const payments = await step.run("sweep-pending-payments", async () => sweepPendingPayments(await getDb()));
    // A car parked past its end + tolerance: the next driver of its spot gets another before arriving.
    const overstayMoves = await step.run("move-bookings-behind-overstays", async () =>
      moveBookingsFromOverstays(await getDb(), new Date()),
    );
    // Confirmation e-mails an after-commit send lost or a mail server refused (each at most once).
    const emailsSent = await step.run("send-owed-confirmation-emails", async () =>
      sendDueConfirmationEmails(await getDb(), new Date()),
    );
    return { expired, noShows, penalties, paymentsSettled: payments.settled, overstayMoves, emailsSent };
  },
);
