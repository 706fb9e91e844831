import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, type DbOrTx } from "@/db/client";
import { findReservation, type ReservationWithSpot } from "@/db/queries/reservations";
import { reservations, reservationTransitions, type ReservationStatus } from "@/db/schema";
import { ApiError } from "@/lib/errors";
import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import { TRANSITIONS } from "@/lib/lifecycle/state-machine";
import {
  cancel,
  checkIn,
  complete,
  confirmPaid,
  expireHold,
  markNoShow,
  transition,
  type TransitionContext,
} from "@/lib/lifecycle/transitions";
import { at, createTestLot, testPeople } from "./fixtures";
import { book, bookOk, statusOf } from "./support/driver-api";

// lib/lifecycle/transitions.ts against the real database: one row update plus one audit row per
// edge, a no-op for a repeat, and a refusal for anything the state machine does not have.

const { driver, operator } = testPeople();

/** Runs `fn` on the reservation's locked row, as the callers of these functions do. */
async function onRow<T>(id: string, fn: (tx: DbOrTx, r: ReservationWithSpot) => Promise<T>) {
  const db = await getDb();
  return lifecycleTransaction(db, async (tx) => fn(tx, (await findReservation(tx, id, { forUpdate: true }))!));
}

async function auditTrail(id: string) {
  const db = await getDb();
  return db
    .select()
    .from(reservationTransitions)
    .where(eq(reservationTransitions.reservationId, id))
    .orderBy(reservationTransitions.createdAt);
}

async function newBooking(hour: number) {
  const lot = await createTestLot({ counts: { compact: 1 } });
  return bookOk(driver, lot.id, at(8, hour), at(8, hour + 1));
}

/** Puts a reservation straight into `status` along legal edges, for the refusal tests. */
const PATH: Record<
  ReservationStatus,
  ((tx: DbOrTx, r: ReservationWithSpot, ctx: TransitionContext) => Promise<boolean>)[]
> = {
  pending_payment: [],
  confirmed: [(tx, r, ctx) => confirmPaid(tx, r, ctx, "pm_card_visa")],
  checked_in: [(tx, r, ctx) => confirmPaid(tx, r, ctx, "pm_card_visa"), checkIn],
  completed: [(tx, r, ctx) => confirmPaid(tx, r, ctx, "pm_card_visa"), checkIn, complete],
  cancelled: [cancel],
  no_show: [(tx, r, ctx) => confirmPaid(tx, r, ctx, "pm_card_visa"), markNoShow],
  expired: [expireHold],
};

describe("transition", () => {
  it("moves a reservation along its lifecycle and logs every step with its cause, actor, note and time", async () => {
    const r = await newBooking(9);
    const paidAt = new Date(Date.now() - 1000);
    expect(
      await onRow(r.reservation_id, (tx, row) =>
        confirmPaid(tx, row, { cause: "payment", at: paidAt }, "pm_card_visa"),
      ),
    ).toBe(true);
    expect(
      await onRow(r.reservation_id, (tx, row) =>
        checkIn(tx, row, { cause: "gate", at: at(8, 9, 2), note: "Plate read at gate 1" }),
      ),
    ).toBe(true);
    expect(
      await onRow(r.reservation_id, (tx, row) =>
        complete(tx, row, { cause: "operator", actorId: operator.id, at: at(8, 9, 50) }),
      ),
    ).toBe(true);

    expect(await statusOf(driver, r.reservation_id)).toBe("completed");
    const db = await getDb();
    const [row] = await db.select().from(reservations).where(eq(reservations.id, r.reservation_id));
    expect(row).toMatchObject({
      paymentMethodId: "pm_card_visa",
      holdExpiresAt: null,
      checkedInAt: at(8, 9, 2),
      checkedOutAt: at(8, 9, 50),
    });
    expect(
      (await auditTrail(r.reservation_id)).map((t) => ({
        from: t.fromStatus,
        to: t.toStatus,
        cause: t.cause,
        actor: t.actorId,
        note: t.note,
        at: t.createdAt,
      })),
    ).toEqual([
      { from: "pending_payment", to: "confirmed", cause: "payment", actor: null, note: null, at: paidAt },
      {
        from: "confirmed",
        to: "checked_in",
        cause: "gate",
        actor: null,
        note: "Plate read at gate 1",
        at: at(8, 9, 2),
      },
      { from: "checked_in", to: "completed", cause: "operator", actor: operator.id, note: null, at: at(8, 9, 50) },
    ]);
  });

  it("answers false and logs nothing when the reservation is already in the target status", async () => {
    const r = await newBooking(11);
    expect(await onRow(r.reservation_id, (tx, row) => confirmPaid(tx, row, { cause: "payment" }, "pm_card_visa"))).toBe(
      true,
    );
    expect(await onRow(r.reservation_id, (tx, row) => confirmPaid(tx, row, { cause: "webhook" }, "pm_card_visa"))).toBe(
      false,
    );
    expect(await onRow(r.reservation_id, (tx, row) => transition(tx, row, "confirmed", { cause: "scheduler" }))).toBe(
      false,
    );
    expect((await auditTrail(r.reservation_id)).map((t) => t.cause)).toEqual(["payment"]);
  });

  const illegal = (Object.keys(TRANSITIONS) as ReservationStatus[]).flatMap((from) =>
    (Object.keys(TRANSITIONS) as ReservationStatus[])
      .filter((to) => to !== from && !TRANSITIONS[from].includes(to))
      .map((to) => ({ from, to })),
  );

  it.each(illegal)("refuses $from → $to with invalid_state and changes nothing", async ({ from, to }) => {
    const r = await newBooking(13);
    for (const step of PATH[from]) await onRow(r.reservation_id, (tx, row) => step(tx, row, { cause: "operator" }));
    const before = await auditTrail(r.reservation_id);

    const err = await onRow(r.reservation_id, (tx, row) => transition(tx, row, to, { cause: "operator" })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "invalid_state", status: 409, details: { status: from, requested: to } });
    expect(await statusOf(driver, r.reservation_id)).toBe(from);
    expect(await auditTrail(r.reservation_id)).toEqual(before);
  });

  it("answers conflict when the row it was given is stale, instead of overwriting a newer status", async () => {
    const r = await newBooking(15);
    const db = await getDb();
    const stale = (await findReservation(db, r.reservation_id))!;
    await onRow(r.reservation_id, (tx, row) => cancel(tx, row, { cause: "driver", actorId: driver.id }));

    const err = await lifecycleTransaction(db, (tx) =>
      confirmPaid(tx, stale, { cause: "payment" }, "pm_card_visa"),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "conflict" });
    expect(await statusOf(driver, r.reservation_id)).toBe("cancelled");
    expect((await auditTrail(r.reservation_id)).map((t) => `${t.fromStatus}→${t.toStatus}`)).toEqual([
      "pending_payment→cancelled",
    ]);
  });

  it("frees the spot for new bookings when leaving a spot-holding status", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(8, 17), at(8, 18));
    expect((await book(driver, lot.id, at(8, 17), at(8, 18))).status).toBe(409);
    await onRow(r.reservation_id, (tx, row) => cancel(tx, row, { cause: "operator", actorId: operator.id }));
    expect((await bookOk(driver, lot.id, at(8, 17), at(8, 18))).spot_id).toBe(r.spot_id);
  });

  it("rolls back with the caller's transaction, audit row included", async () => {
    const r = await newBooking(19);
    const err = await onRow(r.reservation_id, async (tx, row) => {
      await confirmPaid(tx, row, { cause: "payment" }, "pm_card_visa");
      throw new Error("the charge could not be recorded");
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: "the charge could not be recorded" });
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
    expect(await auditTrail(r.reservation_id)).toEqual([]);
  });

  it("refuses to run outside lifecycleTransaction, so no change can skip its after-commit effects", async () => {
    const r = await newBooking(21);
    const db = await getDb();
    const err = await db
      .transaction(async (tx) =>
        confirmPaid(
          tx,
          (await findReservation(tx, r.reservation_id, { forUpdate: true }))!,
          { cause: "payment" },
          "pm_card_visa",
        ),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
    expect(await auditTrail(r.reservation_id)).toEqual([]);
  });
});
