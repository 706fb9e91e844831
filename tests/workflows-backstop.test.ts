import { InngestTestEngine } from "@inngest/test";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { payments } from "@/db/schema";
import { lifecycleBackstopFunction } from "@/inngest/functions/lifecycle-backstop";
import { chargeNoShowPenalty } from "@/lib/payments/no-show-penalty";
import { createReservation } from "@/lib/reservations/create-reservation";
import { markNoShowIfDue } from "@/lib/workflows/no-show";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { bookOk, intentsFor, ledger, paidBooking, statusOf, useOwnDatabase, useStripe } from "./support/workflows";

// The minute cron (inngest/functions/lifecycle-backstop.ts): whatever lost events left past its
// deadline, found in the database. It sweeps the whole database, so this file has its own.
await useOwnDatabase();
const stripe = useStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

const runBackstop = () =>
  new InngestTestEngine({
    function: lifecycleBackstopFunction,
    events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }] as never,
  }).execute();

describe("the lifecycle backstop", () => {
  it("applies every overdue transition once, leaves what is not due, and finishes pending penalties", async () => {
    const db = await getDb();
    const lot = await createTestLot({ counts: { compact: 6 }, grace_minutes: 0, no_show_penalty: 1200 });
    const soon = new Date(Date.now() + 2 * 3_600_000);

    // Paid, started a minute ago, no grace, never entered: overdue no-show.
    const missed = await paidBooking(driver, lot.id, new Date(Date.now() - 60_000), soon);
    // Not due: paid for tomorrow, and a hold made just now.
    const upcoming = await paidBooking(driver, lot.id, at(1, 11), at(1, 12));
    const held = await bookOk(driver, lot.id, at(1, 13), at(1, 14));
    // A no-show whose penalty Stripe's outage left pending a minute ago.
    const pending = await paidBooking(driver, lot.id, new Date(Date.now() - 60_000), soon);
    await markNoShowIfDue(db, pending.reservation_id, new Date(), "inngest");
    stripe().failNextRequests(3);
    expect(await chargeNoShowPenalty(db, pending.reservation_id)).toEqual({ amount: 1200, status: "pending" });
    await db
      .update(payments)
      .set({ createdAt: sql`now() - interval '1 minute'` })
      .where(eq(payments.reservationId, pending.reservation_id));
    // Unpaid, booked 11 minutes ago on a 10-minute hold: overdue expiry. (Made last: every new
    // booking on the lot expires lapsed holds itself.)
    const input = {
      lot_id: lot.id,
      vehicle_type: "compact" as const,
      start_time: at(1, 9).toISOString(),
      end_time: at(1, 10).toISOString(),
    };
    const lapsed = await createReservation(db, driver, input, new Date(Date.now() - 11 * 60_000));

    const { result } = await runBackstop();
    expect(result).toEqual({
      expired: [lapsed.id],
      noShows: [missed.reservation_id],
      penalties: [missed.reservation_id],
      paymentsSettled: 1,
      overstayMoves: { moved: [], flagged: [] },
      emailsSent: [],
    });

    expect(await statusOf(driver, lapsed.id)).toBe("expired");
    expect(await statusOf(driver, missed.reservation_id)).toBe("no_show");
    expect(await statusOf(driver, upcoming.reservation_id)).toBe("confirmed");
    expect(await statusOf(driver, held.reservation_id)).toBe("pending_payment");
    for (const r of [missed, pending]) {
      expect((await ledger(r.reservation_id)).filter(([kind]) => kind === "penalty")).toEqual([
        ["penalty", "succeeded", 1200],
      ]);
      expect(intentsFor(stripe(), r.reservation_id, "No-show penalty")).toHaveLength(1);
    }

    // The next minute finds nothing left to do.
    const again = await runBackstop();
    expect(again.result).toEqual({
      expired: [],
      noShows: [],
      penalties: [],
      paymentsSettled: 0,
      overstayMoves: { moved: [], flagged: [] },
      emailsSent: [],
    });
    expect(intentsFor(stripe(), missed.reservation_id, "No-show penalty")).toHaveLength(1);
  });

  it("does not bill a no-show from before the lot had a penalty", async () => {
    const db = await getDb();
    const lot = await createTestLot({ counts: { compact: 1 }, grace_minutes: 0, no_show_penalty: 500 });
    const r = await paidBooking(driver, lot.id, new Date(Date.now() - 60_000), new Date(Date.now() + 3_600_000));
    // Marked two days ago (the backstop looks back one day), when the lot charged no penalty.
    await markNoShowIfDue(db, r.reservation_id, new Date(), "inngest");
    await db.execute(
      sql`update reservation_transitions set created_at = now() - interval '2 days' where reservation_id = ${r.reservation_id} and to_status = 'no_show'`,
    );

    const { result } = await runBackstop();
    expect(result).toMatchObject({ penalties: [] });
    expect((await ledger(r.reservation_id)).filter(([kind]) => kind === "penalty")).toEqual([]);
  });
});
