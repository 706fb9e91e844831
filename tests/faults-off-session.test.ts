import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { insertLedgerRow } from "@/db/queries/payments";
import { reservations } from "@/db/schema";
import { settle } from "@/lib/payments/money-movements";
import { checkOut } from "@/lib/reservations/check-out";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import {
  bookOk,
  cancel,
  extend,
  getReservation,
  ledger,
  paidBooking,
  paidNet,
  statusOf,
  type ReservationJson,
} from "./support/driver-api";
import { sweepRowsOf } from "./support/sweep";
import { useFakeStripe } from "./support/use-fake-stripe";

// Off-session money (extension, overstay, no-show penalty) is decided in one moment and moved in
// another: when it finally moves, the reservation must still be in the state that justified it.
const stripe = useFakeStripe();

let driver: TestUser;
let otherDriver: TestUser;
beforeAll(async () => {
  [driver, otherDriver] = await Promise.all([createUser("driver"), createUser("driver")]);
});

const current = async (id: string) => (await (await getReservation(driver, id)).json()) as ReservationJson;

describe("an off-session charge that runs late", () => {
  it("is not charged when the reservation was cancelled in the meantime", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(4, 9), at(4, 10));
    const db = await getDb();
    // A no-show penalty queued, then the booking was cancelled before the charge ran.
    const row = await insertLedgerRow(db, {
      reservationId: r.reservation_id,
      kind: "penalty",
      amount: 700,
      currency: r.currency,
      idempotencyKey: `penalty:no_show:${r.reservation_id}`,
      description: "No-show penalty",
    });
    expect((await cancel(driver, r.reservation_id)).status).toBe(200);
    expect(await settle(db, row)).toBe("failed");
    expect(
      stripe()
        .intentsFor(r.reservation_id)
        .filter((pi) => pi.amount === 700),
    ).toEqual([]);
    expect((await ledger(r.reservation_id)).find((p) => p.kind === "penalty")).toMatchObject({
      status: "failed",
      failureCode: "reservation_cancelled",
    });
  });
});

describe("an extension whose charge finally fails", () => {
  it("is undone, so the extra time is never free and the spot is bookable again", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(5, 9), at(5, 10));
    // Stripe is down while extending: the extension stands with its charge pending...
    stripe().failNextRequests(1, { path: /^POST \/v1\/payment_intents$/, shouldRetry: false });
    const res = await extend(driver, r.reservation_id, at(5, 12));
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
    expect(await current(r.reservation_id)).toMatchObject({ end_time: at(5, 12).toISOString() });
    // ...and when it is retried the saved card declines.
    const db = await getDb();
    await db
      .update(reservations)
      .set({ paymentMethodId: "pm_card_chargeDeclined" })
      .where(eq(reservations.id, r.reservation_id));
    await sweepRowsOf([r.reservation_id]);

    expect((await ledger(r.reservation_id)).find((p) => p.kind === "adjustment")).toMatchObject({ status: "failed" });
    expect(await current(r.reservation_id)).toMatchObject({ end_time: at(5, 10).toISOString(), amount: r.amount });
    expect(await paidNet(r.reservation_id)).toBe(r.amount);
    expect((await bookOk(otherDriver, lot.id, at(5, 10), at(5, 12))).spot_id).toBe(r.spot_id);
  });
});

describe("an exit read long before the booking's start", () => {
  it("does not complete or refund the booking", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(6, 9), at(6, 11));
    await expect(checkOut(await getDb(), r.reservation_id, new Date(), { cause: "gate" })).rejects.toMatchObject({
      code: "invalid_state",
    });
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
    expect(await paidNet(r.reservation_id)).toBe(r.amount);
  });
});
