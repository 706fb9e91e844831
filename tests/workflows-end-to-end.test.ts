import { afterAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { createInProcessScheduler } from "@/lib/workflows/in-process-scheduler";
import { at, createTestLot, createUser, expectError } from "./fixtures";
import { book, intentsFor, ledger, paidBooking, statusOf, useOwnDatabase, useStripe } from "./support/workflows";

// The whole no-show path as a driver and the lot see it, with the scheduler that runs when no
// Inngest server is configured: book → pay → never arrive → once start + grace (shortened to one
// minute) has passed, the spot is bookable again and the ledger holds exactly one penalty.
await useOwnDatabase();
const stripe = useStripe();

let clock = new Date();
const scheduler = createInProcessScheduler({ getDb, now: () => clock, intervalMs: 20 });
afterAll(() => scheduler.stop());

describe("a driver who books, pays and never arrives", () => {
  it("loses the spot to the next driver after the grace period and is charged the penalty once", async () => {
    const lot = await createTestLot({ counts: { compact: 1 }, grace_minutes: 1, no_show_penalty: 2500 });
    const driver = await createUser("driver");
    const next = await createUser("driver");
    const r = await paidBooking(driver, lot.id, at(1, 9), at(1, 12));
    scheduler.start();

    // Before the deadline the one spot is theirs.
    clock = new Date(at(1, 9, 1).getTime() - 1000);
    await scheduler.sweep();
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
    await expectError(await book(next, lot.id, at(1, 10), at(1, 11)), 409, "no_spot_available");

    // Start + grace passes; the running scheduler notices on its next sweep.
    clock = at(1, 9, 1);
    await vi.waitFor(async () => expect(await statusOf(driver, r.reservation_id)).toBe("no_show"), {
      timeout: 5_000,
      interval: 20,
    });
    const res = await book(next, lot.id, at(1, 10), at(1, 11));
    expect(res.status).toBe(201);

    // However many sweeps follow, one penalty.
    await scheduler.sweep();
    await scheduler.sweep();
    await scheduler.stop();
    expect(await ledger(r.reservation_id)).toEqual([
      ["charge", "succeeded", r.amount],
      ["penalty", "succeeded", 2500],
    ]);
    expect(intentsFor(stripe(), r.reservation_id, "No-show penalty").map((pi) => [pi.amount, pi.status])).toEqual([
      [2500, "succeeded"],
    ]);
  });
});
