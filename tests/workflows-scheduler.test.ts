import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import {
  createInProcessScheduler,
  inProcessScheduler,
  type InProcessScheduler,
  type Timers,
} from "@/lib/workflows/in-process-scheduler";
import { sendEvent } from "@/lib/workflows/send-event";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import {
  book,
  bookOk,
  intentsFor,
  ledger,
  movement,
  paidBooking,
  statusOf,
  transitions,
  useOwnDatabase,
  useStripe,
} from "./support/workflows";

// The in-process scheduler (no Inngest server): the same transitions on the same deadlines, driven
// by a clock the test moves. It sweeps the whole database, so this file has a database of its own.
await useOwnDatabase();
const stripe = useStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

let clock = new Date();
const schedulers: InProcessScheduler[] = [];
function scheduler(opts: { timers?: Timers; getDb?: typeof getDb; retryDelaysMs?: number[] } = {}) {
  const s = createInProcessScheduler({
    getDb: opts.getDb ?? getDb,
    now: () => clock,
    intervalMs: 10,
    retryDelaysMs: opts.retryDelaysMs,
    timers: opts.timers,
  });
  schedulers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  clock = new Date();
});

/** Timers the test fires itself. */
function manualTimers() {
  let seq = 0;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  const timers: Timers = {
    set: (fn, ms) => (pending.set(++seq, { fn, ms }), seq),
    clear: (h) => void pending.delete(h as number),
  };
  return {
    timers,
    pending: () => [...pending.values()].map((t) => t.ms),
    fireAll() {
      const due = [...pending.entries()];
      pending.clear();
      for (const [, t] of due) t.fn();
    },
  };
}

describe("the in-process scheduler", () => {
  it("marks a no-show only once the clock passes start + grace, then charges the penalty once", async () => {
    const lot = await createTestLot({ counts: { compact: 1 }, grace_minutes: 15, no_show_penalty: 900 });
    const r = await paidBooking(driver, lot.id, at(1, 9), at(1, 11));
    const s = scheduler();

    clock = new Date(at(1, 9, 15).getTime() - 1000);
    expect(await s.sweep()).toMatchObject({ noShows: [], penalties: [] });
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");

    clock = at(1, 9, 15);
    expect(await s.sweep()).toMatchObject({ noShows: [r.reservation_id], penalties: [r.reservation_id] });
    expect(await s.sweep()).toMatchObject({ noShows: [], penalties: [] });
    expect(await statusOf(driver, r.reservation_id)).toBe("no_show");
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→no_show (scheduler)",
    ]);
    expect((await ledger(r.reservation_id)).filter(([kind]) => kind === "penalty")).toEqual([
      ["penalty", "succeeded", 900],
    ]);
    expect(intentsFor(stripe(), r.reservation_id, "No-show penalty")).toHaveLength(1);
  });

  it("expires an unpaid hold once the clock passes its end, and the spot can be booked again", async () => {
    const lot = await createTestLot({ counts: { compact: 1 }, hold_minutes: 10 });
    const booked = new Date();
    const r = await bookOk(driver, lot.id, at(1, 12), at(1, 13));
    const other = await createUser("driver");
    const s = scheduler();

    clock = new Date(booked.getTime() + 9 * 60_000);
    expect((await s.sweep()).expired).toEqual([]);
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");

    clock = new Date(Date.now() + 10 * 60_000);
    expect((await s.sweep()).expired).toEqual([r.reservation_id]);
    expect(await statusOf(driver, r.reservation_id)).toBe("expired");
    expect(await transitions(r.reservation_id)).toEqual(["pending_payment→expired (scheduler)"]);
    expect((await book(other, lot.id, at(1, 12), at(1, 13))).status).toBe(201);
  });

  it("sweeps by itself every interval once started, and stops cleanly", async () => {
    const lot = await createTestLot({ counts: { compact: 1 }, grace_minutes: 5 });
    const r = await paidBooking(driver, lot.id, at(1, 14), at(1, 15));
    const t = manualTimers();
    const s = scheduler({ timers: t.timers });

    s.start();
    s.start(); // a second start is a no-op
    expect(t.pending()).toEqual([0]);
    t.fireAll(); // the first sweep: nothing due yet
    await s.idle();
    expect(t.pending()).toEqual([10]); // the next one is an interval after it finished
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");

    clock = at(1, 14, 5);
    t.fireAll();
    await s.idle();
    expect(await statusOf(driver, r.reservation_id)).toBe("no_show");
    expect(t.pending()).toEqual([10]);

    await s.stop();
    expect(s.running).toBe(false);
    expect(t.pending()).toEqual([]);
  });

  it("keeps sweeping after a failed sweep", async () => {
    let fail = true;
    const t = manualTimers();
    const s = scheduler({
      timers: t.timers,
      getDb: async () => {
        if (fail) throw new Error("database restarting");
        return getDb();
      },
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    s.start();
    t.fireAll();
    await s.idle();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("sweep failed"), "database restarting");
    expect(t.pending()).toEqual([10]);
    fail = false;
    t.fireAll();
    await s.idle();
    expect(t.pending()).toEqual([10]);
    warn.mockRestore();
  });

  it("consumes a gate's entry in the background and retries it when it fails", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(1, 16), at(1, 17));
    let failures = 1;
    const s = scheduler({
      retryDelaysMs: [5],
      getDb: async () => {
        if (failures-- > 0) throw new Error("connection reset");
        return getDb();
      },
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const data = movement(r, lot.id, at(1, 16));
    s.enqueue({ name: "parking/vehicle.entered", data, id: `vehicle.entered:${data.event_id}` });
    await s.idle();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("retrying in 5 ms"), "connection reset");
    expect(await statusOf(driver, r.reservation_id)).toBe("checked_in");
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→checked_in (scheduler)",
    ]);
    warn.mockRestore();
  });

  it("receives what sendEvent sends when no Inngest server is configured: an exit settles the stay", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(1, 18), at(1, 20));
    const enteredAt = movement(r, lot.id, at(1, 18));
    const exitedAt = movement(r, lot.id, at(1, 19));
    await sendEvent({ name: "parking/vehicle.entered", data: enteredAt, id: `vehicle.entered:${enteredAt.event_id}` });
    await inProcessScheduler().idle();
    await sendEvent({ name: "parking/vehicle.exited", data: exitedAt, id: `vehicle.exited:${exitedAt.event_id}` });
    await inProcessScheduler().idle();
    expect(await statusOf(driver, r.reservation_id)).toBe("completed");
    // One of two booked hours used: €4.00 of €8.00 back.
    expect(await ledger(r.reservation_id)).toEqual([
      ["charge", "succeeded", 800],
      ["refund", "succeeded", 400],
    ]);
  });

  it("refuses an event that does not match its schema", async () => {
    await expect(
      sendEvent({ name: "parking/vehicle.entered", data: { reservation_id: "not-a-uuid" } as never, id: "bad" }),
    ).rejects.toThrow(/Invalid "parking\/vehicle.entered" event: reservation_id/);
  });
});
