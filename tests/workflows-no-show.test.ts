import { InngestTestEngine } from "@inngest/test";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { noShowFunction } from "@/inngest/functions/no-show";
import { recordVehicleEntry } from "@/lib/workflows/vehicle-events";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import {
  cancelOk,
  intentsFor,
  ledger,
  movement,
  paidBooking,
  statusOf,
  transitions,
  useStripe,
  type Booking,
} from "./support/workflows";

// The no-show workflow (inngest/functions/no-show.ts) run by @inngest/test against the real
// database and the fake Stripe API. Sleeps are mocked (they return at once), so a reservation
// "past its grace" is one that started a minute ago on a lot with no grace period.
const stripe = useStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

const PENALTY = 1500;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** A paid booking that started a minute ago; with `graceMinutes` 0 its no-show deadline has passed. */
async function missedBooking(graceMinutes = 0): Promise<Booking & { lotId: string }> {
  const lot = await createTestLot({ counts: { compact: 1 }, grace_minutes: graceMinutes, no_show_penalty: PENALTY });
  const r = await paidBooking(driver, lot.id, minutesAgo(1), new Date(Date.now() + 2 * 3_600_000));
  return { ...r, lotId: lot.id };
}

function confirmedEvent(r: Booking, graceEndsAt = new Date()) {
  return {
    name: "parking/reservation.confirmed",
    data: {
      reservation_id: r.reservation_id,
      start_time: minutesAgo(1).toISOString(),
      grace_ends_at: graceEndsAt.toISOString(),
    },
    id: `reservation.confirmed:${r.reservation_id}`,
  };
}

/** One run of the function from its trigger; each call is a fresh engine, i.e. every step runs again. */
function run(r: Booking, sleep: () => unknown = () => undefined) {
  const t = new InngestTestEngine({
    function: noShowFunction,
    events: [confirmedEvent(r)] as never,
    steps: [{ id: "wait-for-grace-end", handler: sleep }],
  });
  return t.execute();
}

const penaltyIntents = (id: string) => intentsFor(stripe(), id, "No-show penalty");

describe("the no-show workflow", () => {
  it("marks the reservation a no-show after start + grace, frees the spot and charges the penalty", async () => {
    const r = await missedBooking();
    const { result } = await run(r);
    expect(result).toEqual({ outcome: "marked", status: "no_show", penalty: { amount: PENALTY, status: "succeeded" } });

    expect(await statusOf(driver, r.reservation_id)).toBe("no_show");
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→no_show (inngest)",
    ]);
    expect(await ledger(r.reservation_id)).toEqual([
      ["charge", "succeeded", r.amount],
      ["penalty", "succeeded", PENALTY],
    ]);
    const [penalty, ...more] = penaltyIntents(r.reservation_id);
    expect(more).toEqual([]);
    expect(penalty).toMatchObject({
      amount: PENALTY,
      currency: "eur",
      status: "succeeded",
      payment_method: "pm_card_visa",
    });
    // The spot is free again: someone else can book the rest of the window.
    const other = await createUser("driver");
    await paidBooking(other, r.lotId, new Date(Date.now() + 60_000), new Date(Date.now() + 3_600_000));
  });

  it("fires once and charges the penalty once however often the run is retried, also concurrently", async () => {
    const r = await missedBooking();
    const first = await run(r);
    const retries = await Promise.all([run(r), run(r), run(r)]);

    expect(first.result).toMatchObject({ outcome: "marked" });
    for (const retry of retries) {
      expect(retry.result).toEqual({
        outcome: "already_no_show",
        status: "no_show",
        penalty: { amount: PENALTY, status: "succeeded" },
      });
    }
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→no_show (inngest)",
    ]);
    expect((await ledger(r.reservation_id)).filter(([kind]) => kind === "penalty")).toEqual([
      ["penalty", "succeeded", PENALTY],
    ]);
    expect(penaltyIntents(r.reservation_id)).toHaveLength(1);
  });

  it("charges the penalty once when only the penalty step is retried after the others completed", async () => {
    const r = await missedBooking();
    const first = await run(r);
    expect(first.result).toMatchObject({ outcome: "marked", penalty: { status: "succeeded" } });
    // What Inngest does on a retry: the completed steps answer from their memoised results and
    // only the retried step runs again.
    const t = new InngestTestEngine({
      function: noShowFunction,
      events: [confirmedEvent(r)] as never,
      steps: [
        { id: "read-deadline", handler: () => new Date().toISOString() },
        { id: "wait-for-grace-end", handler: () => undefined },
        { id: "mark-no-show", handler: () => ({ outcome: "marked", status: "no_show" }) },
      ],
    });
    const retry = await t.execute();
    expect(retry.result).toEqual({
      outcome: "marked",
      status: "no_show",
      penalty: { amount: PENALTY, status: "succeeded" },
    });
    expect((await ledger(r.reservation_id)).filter(([kind]) => kind === "penalty")).toEqual([
      ["penalty", "succeeded", PENALTY],
    ]);
    expect(penaltyIntents(r.reservation_id)).toHaveLength(1);
  });

  it("charges a penalty that Stripe's outage left pending when the step is retried, once", async () => {
    const r = await missedBooking();
    // The SDK tries three times; all three fail, so the first run leaves the ledger row pending.
    stripe().failNextRequests(3);
    const first = await run(r);
    expect(first.result).toMatchObject({ outcome: "marked", penalty: { amount: PENALTY, status: "pending" } });
    expect(penaltyIntents(r.reservation_id)).toHaveLength(0);

    const retry = await run(r);
    expect(retry.result).toMatchObject({
      outcome: "already_no_show",
      penalty: { amount: PENALTY, status: "succeeded" },
    });
    expect((await ledger(r.reservation_id)).filter(([kind]) => kind === "penalty")).toEqual([
      ["penalty", "succeeded", PENALTY],
    ]);
    expect(penaltyIntents(r.reservation_id)).toHaveLength(1);
  });

  it("does nothing when the car entered before the run woke up", async () => {
    const r = await missedBooking();
    const db = await getDb();
    await recordVehicleEntry(db, movement(r, r.lotId, new Date()), "gate");

    const { result } = await run(r);
    expect(result).toEqual({ outcome: "not_waiting", penalty: null });
    expect(await statusOf(driver, r.reservation_id)).toBe("checked_in");
    expect(await ledger(r.reservation_id)).toEqual([["charge", "succeeded", r.amount]]);
  });

  it("re-reads the reservation after sleeping: an entry while it slept means no no-show and no penalty", async () => {
    const r = await missedBooking();
    const db = await getDb();
    // cancelOn cannot stop a step that has already started; the step itself must look again.
    const { result } = await run(r, () => recordVehicleEntry(db, movement(r, r.lotId, new Date()), "gate"));

    expect(result).toEqual({ outcome: "not_confirmed", status: "checked_in", penalty: null });
    expect(await statusOf(driver, r.reservation_id)).toBe("checked_in");
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→checked_in (gate)",
    ]);
    expect(penaltyIntents(r.reservation_id)).toHaveLength(0);
  });

  it("does nothing for a reservation cancelled while it slept", async () => {
    const r = await missedBooking();
    const { result } = await run(r, () => cancelOk(driver, r.reservation_id));
    expect(result).toEqual({ outcome: "not_confirmed", status: "cancelled", penalty: null });
    expect((await ledger(r.reservation_id)).filter(([kind]) => kind === "penalty")).toEqual([]);
  });

  it("sleeps until the deadline read from the database, and again if it woke before it", async () => {
    const lot = await createTestLot({ counts: { compact: 1 }, grace_minutes: 15, no_show_penalty: PENALTY });
    const r = await paidBooking(driver, lot.id, at(1, 9), at(1, 11));
    const deadline = at(1, 9, 15).toISOString();
    const t = new InngestTestEngine({
      function: noShowFunction,
      // A reservation.changed event carries no times: the run reads them.
      events: [
        {
          name: "parking/reservation.changed",
          data: { reservation_id: r.reservation_id },
          id: `changed:${r.reservation_id}`,
        },
      ] as never,
      steps: [{ id: "wait-for-grace-end", handler: () => undefined }],
    });

    const read = await t.executeStep("read-deadline");
    expect(read.result).toBe(deadline);
    // Woken early (here: at once), the marking step finds the deadline not reached and changes nothing ...
    const check = await t.executeStep("mark-no-show");
    expect(check.result).toEqual({ outcome: "not_due", status: "confirmed", deadline });
    // ... and the run goes back to sleep until that deadline.
    const again = await t.executeStep("wait-for-grace-end-2");
    expect(again.step).toMatchObject({ op: "Sleep", name: deadline });
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
  });

  it("is cancelled only by an entry or a cancellation of the same reservation, and replaced on a window change", () => {
    const same = "event.data.reservation_id == async.data.reservation_id";
    expect(
      noShowFunction.opts.cancelOn?.map((c) => [typeof c.event === "string" ? c.event : c.event.name, c.if]),
    ).toEqual([
      ["parking/vehicle.entered", same],
      ["parking/reservation.cancelled", same],
    ]);
    expect(noShowFunction.opts.singleton).toEqual({ key: "event.data.reservation_id", mode: "cancel" });
  });
});
