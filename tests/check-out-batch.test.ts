import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/db/client";
import { findReservation } from "@/db/queries/reservations";
import type { VehicleMovementData } from "@/inngest/events";
import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import { settledLater } from "@/lib/payments/money-movements";
import { checkIn } from "@/lib/lifecycle/transitions";
import { checkOut } from "@/lib/reservations/check-out";
import { recordVehicleExit, recordVehicleExits } from "@/lib/workflows/vehicle-events";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { cancel, ledger, paidBooking, statusOf, transitions } from "./support/driver-api";
import { sweepRowsOf } from "./support/sweep";
import { useFakeStripe } from "./support/use-fake-stripe";

// The gate recorder checks a batch of exits out together (recordVehicleExits → checkOutMany). What
// each car's reservation, ledger and card end up with must be what checkOut, one car at a time,
// gives the same car: here every case is built twice, one twin checked out alone, the other in a
// batch, and the two compared.
const stripe = useFakeStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

async function enter(id: string, when: Date) {
  const db = await getDb();
  await lifecycleTransaction(db, async (tx) => {
    const r = await findReservation(tx, id, { forUpdate: true });
    await checkIn(tx, r!, { cause: "gate", at: when });
  });
}

type Case = { name: string; from: number; to: number; exit: Date; state: "inside" | "booked" | "left" | "cancelled" };
// Compact spots at €4.00 an hour (the fixture lot), 10 minutes' overstay tolerance.
const CASES: Case[] = [
  { name: "leaves early: refund", from: 9, to: 13, exit: at(2, 10, 20), state: "inside" },
  { name: "overstays: off-session charge", from: 9, to: 11, exit: at(2, 11, 25), state: "inside" },
  { name: "leaves at the end: nothing", from: 9, to: 11, exit: at(2, 11), state: "inside" },
  { name: "never read at the entry: checked in at the exit", from: 9, to: 13, exit: at(2, 12), state: "booked" },
  { name: "already left", from: 9, to: 13, exit: at(2, 12), state: "left" },
  { name: "cancelled", from: 9, to: 13, exit: at(2, 12), state: "cancelled" },
];

/** A paid booking (on a lot of its own unless one is given), brought to the case's state; the exit read for it. */
async function build(c: Case, lot?: { id: string }): Promise<VehicleMovementData> {
  lot ??= await createTestLot({ counts: { compact: 1 } });
  const r = await paidBooking(driver, lot.id, at(2, c.from), at(2, c.to));
  if (c.state === "inside" || c.state === "left") await enter(r.reservation_id, at(2, c.from));
  if (c.state === "left") await checkOut(await getDb(), r.reservation_id, at(2, c.from, 30), { cause: "gate" });
  if (c.state === "cancelled") await cancel(driver, r.reservation_id);
  return {
    reservation_id: r.reservation_id,
    lot_id: lot.id,
    gate_id: randomUUID(),
    event_id: randomUUID(),
    occurred_at: c.exit.toISOString(),
  };
}

/** Everything an exit leaves behind, without ids and clocks. */
async function outcome(e: VehicleMovementData) {
  const db = await getDb();
  const r = (await findReservation(db, e.reservation_id))!;
  return {
    status: await statusOf(driver, e.reservation_id),
    checkedOutAt: r.checkedOutAt?.toISOString() ?? null,
    transitions: await transitions(e.reservation_id),
    ledger: (await ledger(e.reservation_id)).map((p) => [p.kind, p.status, p.amount, p.description]),
    card: stripe()
      .intentsFor(e.reservation_id)
      .map((i) => [
        i.amount,
        i.status,
        stripe()
          .refundsFor(i.id)
          .map((x) => x.amount),
      ]),
  };
}

/** Statements this process sends to PostgreSQL while `fn` runs (postgres.js' debug hook). */
async function statementsOf(db: Db, fn: () => Promise<unknown>) {
  const options = (db as unknown as { $client: { options: { debug?: unknown } } }).$client.options;
  let n = 0;
  // (Not the driver's own look-up of PostgreSQL's types, once per new connection.)
  options.debug = (_conn: number, query: string) => (n += query.includes("pg_catalog") ? 0 : 1);
  try {
    await fn();
  } finally {
    options.debug = undefined;
  }
  return n;
}

describe("a batch of exits checked out together", () => {
  it("leaves each car as checking it out alone does: status, transitions, ledger and card", async () => {
    const alone = await Promise.all(CASES.map((c) => build(c)));
    const batched = await Promise.all(CASES.map((c) => build(c)));
    const db = await getDb();
    for (const e of alone) await recordVehicleExit(db, e, "gate");
    // The early leaver's exit read twice in the batch (a second camera): refunded once.
    const outcomes = await recordVehicleExits(db, [...batched, { ...batched[0]!, event_id: randomUUID() }], "gate");
    expect(outcomes.map((o) => o.outcome)).toEqual([
      "completed",
      "completed",
      "completed",
      "completed",
      "already_completed",
      "ignored",
      "already_completed",
    ]);
    await settledLater();

    for (const [i, c] of CASES.entries()) {
      const want = await outcome(alone[i]!);
      expect({ case: c.name, ...(await outcome(batched[i]!)) }).toEqual({ case: c.name, ...want });
    }
    // The cases say what they say (not only that both paths agree).
    const [early, over, onTime, unread] = await Promise.all(batched.map(outcome));
    expect(early!.ledger).toEqual([
      ["charge", "succeeded", 1600, expect.any(String)],
      ["refund", "succeeded", 1000, "Early departure refund"],
    ]);
    expect(early!.transitions.at(-1)).toBe("checked_in→completed (gate)");
    expect(early!.checkedOutAt).toBe(at(2, 10, 20).toISOString());
    expect(over!.ledger.at(-1)).toEqual([
      "adjustment",
      "succeeded",
      200,
      `Overstay until ${at(2, 11, 25).toISOString()}`,
    ]);
    expect(onTime!.ledger).toHaveLength(1);
    expect(unread!.transitions.slice(-2)).toEqual(["confirmed→checked_in (gate)", "checked_in→completed (gate)"]);
  });

  it("costs the same statements for ten cars of a lot as for one, but for each car's settlement", async () => {
    const db = await getDb();
    const lot = await createTestLot({ counts: { compact: 11 } });
    const one = [await build(CASES[0]!, lot)];
    const ten: VehicleMovementData[] = [];
    for (let i = 0; i < 10; i++) ten.push(await build(CASES[0]!, lot));
    const exitAll = async (exits: VehicleMovementData[]) => {
      await recordVehicleExits(db, exits, "gate");
      await settledLater();
    };
    const costOne = await statementsOf(db, () => exitAll(one));
    const costTen = await statementsOf(db, () => exitAll(ten));
    // Each refund is its own call to the processor, recorded on its row: one statement per car.
    expect(costTen - costOne).toBe(9);
    expect(new Set(await Promise.all(ten.map((e) => statusOf(driver, e.reservation_id))))).toEqual(
      new Set(["completed"]),
    );
  });

  it("completes the cars while the processor is down, and settles their money once it is back", async () => {
    const db = await getDb();
    const exits = await Promise.all([build(CASES[0]!), build(CASES[1]!)]);
    stripe().failNextRequests(2, { path: /^POST \/v1\/(refunds|payment_intents)$/, shouldRetry: false });
    expect((await recordVehicleExits(db, exits, "gate")).map((o) => o.outcome)).toEqual(["completed", "completed"]);
    await settledLater();
    const pending = await Promise.all(exits.map(async (e) => (await ledger(e.reservation_id)).at(-1)!.status));
    expect(pending).toEqual(["pending", "pending"]);

    // The sweeper settles the rows with their own keys: once each. (It dates them back an hour first.)
    await sweepRowsOf(exits.map((e) => e.reservation_id));
    const [early, over] = await Promise.all(exits.map(outcome));
    expect(early!.ledger.find((p) => p[0] === "refund")).toEqual([
      "refund",
      "succeeded",
      1000,
      "Early departure refund",
    ]);
    expect(early!.card).toEqual([[1600, "succeeded", [1000]]]);
    expect(over!.ledger.find((p) => p[0] === "adjustment")).toEqual([
      "adjustment",
      "succeeded",
      200,
      expect.any(String),
    ]);
    expect(over!.card.map((c) => c[0])).toEqual([800, 200]);
  });

  it("does not wait for a slow processor: the cars are completed at once, their refunds settled when it answers", async () => {
    const db = await getDb();
    const exits = await Promise.all([build(CASES[0]!), build(CASES[0]!)]);
    const release = stripe().hold(/^POST \/v1\/refunds$/);
    try {
      expect((await recordVehicleExits(db, exits, "gate")).map((o) => o.outcome)).toEqual(["completed", "completed"]);
      for (const e of exits) {
        expect(await statusOf(driver, e.reservation_id)).toBe("completed");
        expect((await ledger(e.reservation_id)).find((p) => p.kind === "refund")?.status).toBe("pending");
      }
    } finally {
      release();
    }
    await settledLater();
    for (const e of exits) expect((await outcome(e)).card).toEqual([[1600, "succeeded", [1000]]]);
  });
});
