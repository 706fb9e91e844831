import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { findReservation } from "@/db/queries/reservations";
import { reservations } from "@/db/schema";
import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import { markNoShow } from "@/lib/lifecycle/transitions";
import { chargeNoShowPenalty } from "@/lib/payments/no-show-penalty";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { ledger, paidBooking, paidNet, statusOf, transitions } from "./support/driver-api";
import { useFakeStripe } from "./support/use-fake-stripe";

// The no-show penalty: charged off-session to the card saved at booking, once, however often (or
// however concurrently) the workflow step that charges it runs.
const stripe = useFakeStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

async function noShow(penalty: number, day: number, hour: number) {
  const lot = await createTestLot({ counts: { compact: 1 }, no_show_penalty: penalty });
  const r = await paidBooking(driver, lot.id, at(day, hour), at(day, hour + 2));
  const db = await getDb();
  await lifecycleTransaction(db, async (tx) => {
    const row = await findReservation(tx, r.reservation_id, { forUpdate: true });
    await markNoShow(tx, row!, { cause: "scheduler", note: "Not entered by start + grace" });
  });
  return r;
}

const penaltyIntents = (reservationId: string, amount: number) =>
  stripe()
    .intentsFor(reservationId)
    .filter((pi) => pi.amount === amount && pi.description === "No-show penalty");

describe("chargeNoShowPenalty", () => {
  it("charges the lot's penalty off-session once when called twice", async () => {
    const r = await noShow(1500, 3, 9);
    const db = await getDb();
    expect(await chargeNoShowPenalty(db, r.reservation_id)).toEqual({ amount: 1500, status: "succeeded" });
    expect(await chargeNoShowPenalty(db, r.reservation_id)).toEqual({ amount: 1500, status: "succeeded" });

    const [booking] = stripe().intentsFor(r.reservation_id);
    const [penalty, ...more] = penaltyIntents(r.reservation_id, 1500);
    expect(more).toEqual([]);
    expect(penalty).toMatchObject({
      currency: "eur",
      status: "succeeded",
      customer: booking!.customer,
      payment_method: "pm_card_visa",
    });
    const requests = stripe()
      .posts("/v1/payment_intents")
      .filter((q) => q.body.off_session && q.idempotencyKey?.includes(r.reservation_id));
    expect(requests).toHaveLength(1); // the second call found the settled row and asked nothing
    expect(requests[0]!.body).toMatchObject({
      off_session: "true",
      confirm: "true",
      amount: "1500",
      payment_method: "pm_card_visa",
    });

    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status, p.amount])).toEqual([
      ["charge", "succeeded", r.amount],
      ["penalty", "succeeded", 1500],
    ]);
    expect(await paidNet(r.reservation_id)).toBe(r.amount + 1500);
    expect(await statusOf(driver, r.reservation_id)).toBe("no_show");
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→no_show (scheduler)",
    ]);
  });

  it("charges once when eight calls run at the same time", async () => {
    const r = await noShow(2500, 3, 12);
    const db = await getDb();
    const results = await Promise.all(Array.from({ length: 8 }, () => chargeNoShowPenalty(db, r.reservation_id)));
    expect(results).toEqual(Array(8).fill({ amount: 2500, status: "succeeded" }));

    expect(penaltyIntents(r.reservation_id, 2500)).toHaveLength(1);
    expect(
      (await ledger(r.reservation_id)).filter((p) => p.kind === "penalty").map((p) => [p.status, p.amount]),
    ).toEqual([["succeeded", 2500]]);
    expect(await paidNet(r.reservation_id)).toBe(r.amount + 2500);
  });

  it("charges nothing for a reservation that is not a no-show", async () => {
    const lot = await createTestLot({ counts: { compact: 1 }, no_show_penalty: 1500 });
    const r = await paidBooking(driver, lot.id, at(3, 15), at(3, 16));
    expect(await chargeNoShowPenalty(await getDb(), r.reservation_id)).toEqual({ amount: 0, status: "none" });
    expect(stripe().intentsFor(r.reservation_id)).toHaveLength(1);
    expect((await ledger(r.reservation_id)).map((p) => p.kind)).toEqual(["charge"]);
  });

  it("charges nothing on a lot without a penalty", async () => {
    const r = await noShow(0, 3, 17);
    expect(await chargeNoShowPenalty(await getDb(), r.reservation_id)).toEqual({ amount: 0, status: "none" });
    expect(stripe().intentsFor(r.reservation_id)).toHaveLength(1);
  });

  it("records a declined penalty as failed, once", async () => {
    const r = await noShow(1500, 3, 20);
    const db = await getDb();
    await db
      .update(reservations)
      .set({ paymentMethodId: "pm_card_chargeDeclined" })
      .where(eq(reservations.id, r.reservation_id));
    expect(await chargeNoShowPenalty(db, r.reservation_id)).toEqual({ amount: 1500, status: "failed" });
    expect(await chargeNoShowPenalty(db, r.reservation_id)).toEqual({ amount: 1500, status: "failed" });
    expect(
      (await ledger(r.reservation_id)).filter((p) => p.kind === "penalty").map((p) => [p.status, p.failureCode]),
    ).toEqual([["failed", "generic_decline"]]);
    expect(
      stripe()
        .posts("/v1/payment_intents")
        .filter((q) => q.body.off_session && q.idempotencyKey?.includes(r.reservation_id)),
    ).toHaveLength(1);
    expect(await paidNet(r.reservation_id)).toBe(r.amount);
  });
});
