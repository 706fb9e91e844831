import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { reservations } from "@/db/schema";
import { at, createTestLot, createUser, expectError, type TestUser } from "./fixtures";
import {
  book,
  bookOk,
  cancel,
  extend,
  getReservation,
  ledger,
  paidBooking,
  paidNet,
  type CancelJson,
  type ReservationJson,
} from "./support/driver-api";
import { useFakeStripe } from "./support/use-fake-stripe";

// POST /v1/reservations/{id}/extend: stay longer on the same spot, paid off-session with the card
// saved at booking. Every lot here charges €4.00 an hour for compact spots.
const stripe = useFakeStripe();

let driver: TestUser;
let otherDriver: TestUser;
beforeAll(async () => {
  [driver, otherDriver] = await Promise.all([createUser("driver"), createUser("driver")]);
});

type Extended = ReservationJson & { extension_amount: number };

async function extendOk(user: TestUser, id: string, end: Date) {
  const res = await extend(user, id, end);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
  return (await res.json()) as Extended;
}

async function current(id: string) {
  return (await (await getReservation(driver, id)).json()) as ReservationJson;
}

describe("extending a paid reservation", () => {
  it("moves the end on the same spot and charges the extra time off-session", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(3, 9), at(3, 11));
    const [bookingIntent] = stripe().intentsFor(r.reservation_id);

    const extended = await extendOk(driver, r.reservation_id, at(3, 12, 30));
    expect(extended).toMatchObject({
      reservation_id: r.reservation_id,
      spot_id: r.spot_id,
      status: "confirmed",
      start_time: at(3, 9).toISOString(),
      end_time: at(3, 12, 30).toISOString(),
      amount: 800 + 600,
      extension_amount: 600, // 1.5 h × 4.00
    });
    expect(await current(r.reservation_id)).toMatchObject({ end_time: at(3, 12, 30).toISOString(), amount: 1400 });

    const [, extension, ...more] = stripe().intentsFor(r.reservation_id);
    expect(more).toEqual([]);
    expect(extension).toMatchObject({
      amount: 600,
      currency: "eur",
      status: "succeeded",
      customer: bookingIntent!.customer,
      payment_method: "pm_card_visa",
    });
    const [request] = stripe()
      .posts("/v1/payment_intents")
      .filter((q) => q.body.off_session && q.idempotencyKey?.includes(r.reservation_id));
    expect(request!.body).toMatchObject({
      off_session: "true",
      confirm: "true",
      payment_method: "pm_card_visa",
      amount: "600",
    });
    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status, p.amount])).toEqual([
      ["charge", "succeeded", 800],
      ["adjustment", "succeeded", 600],
    ]);
    expect(await paidNet(r.reservation_id)).toBe(1400);

    // The spot is now taken until the new end, and free right after it.
    await expectError(await book(otherDriver, lot.id, at(3, 12), at(3, 13)), 409, "no_spot_available");
    expect((await bookOk(otherDriver, lot.id, at(3, 12, 30), at(3, 13))).spot_id).toBe(r.spot_id);
  });

  it("refuses with 409 no_spot_available, saying until when the spot is free, when the next booking starts before the new end", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(3, 13), at(3, 15));
    await bookOk(otherDriver, lot.id, at(3, 16), at(3, 18));

    const err = await expectError(await extend(driver, r.reservation_id, at(3, 17)), 409, "no_spot_available");
    expect(err.details).toEqual({ available_until: at(3, 16).toISOString() });
    expect(await current(r.reservation_id)).toMatchObject({ end_time: at(3, 15).toISOString(), amount: 800 });
    expect(stripe().intentsFor(r.reservation_id)).toHaveLength(1);
    expect(await paidNet(r.reservation_id)).toBe(800);

    // Up to the next booking's start is fine: the periods are half-open.
    expect(await extendOk(driver, r.reservation_id, at(3, 16))).toMatchObject({
      end_time: at(3, 16).toISOString(),
      extension_amount: 400,
    });
  });

  it("answers 409 invalid_state for a booking that is not paid yet, and charges nothing", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(3, 19), at(3, 20));
    const err = await expectError(await extend(driver, r.reservation_id, at(3, 21)), 409, "invalid_state");
    expect(err.details).toEqual({ status: "pending_payment" });
    expect(stripe().intentsFor(r.reservation_id)).toEqual([]);
  });

  it("answers 404 to another driver", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(4, 9), at(4, 10));
    await expectError(await extend(otherDriver, r.reservation_id, at(4, 11)), 404, "not_found");
    expect(await current(r.reservation_id)).toMatchObject({ end_time: at(4, 10).toISOString() });
  });

  it("refunds the booking and the extension from their own PaymentIntents on cancellation", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(4, 11), at(4, 12));
    await extendOk(driver, r.reservation_id, at(4, 13));
    const [booking, extension] = stripe().intentsFor(r.reservation_id);

    const res = await cancel(driver, r.reservation_id);
    expect(((await res.json()) as CancelJson).refund_amount).toBe(800);
    expect(
      stripe()
        .refundsFor(booking!.id)
        .map((x) => x.amount),
    ).toEqual([400]);
    expect(
      stripe()
        .refundsFor(extension!.id)
        .map((x) => x.amount),
    ).toEqual([400]);
    expect(await paidNet(r.reservation_id)).toBe(0);
  });
});

describe("a declined extension charge", () => {
  // Stripe's test cards decline or succeed forever, so a saved card that starts (or stops)
  // declining is modelled by swapping the saved payment method.
  const saveCard = async (id: string, paymentMethodId: string) => {
    const db = await getDb();
    await db.update(reservations).set({ paymentMethodId }).where(eq(reservations.id, id));
  };

  it("answers 402 payment_declined and leaves the reservation and the spot as they were", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(5, 9), at(5, 10));
    await saveCard(r.reservation_id, "pm_card_chargeDeclined");

    const err = await expectError(await extend(driver, r.reservation_id, at(5, 11)), 402, "payment_declined");
    expect(err.details).toEqual({ end_time: at(5, 10).toISOString() });
    expect(await current(r.reservation_id)).toMatchObject({ end_time: at(5, 10).toISOString(), amount: 400 });
    expect(await paidNet(r.reservation_id)).toBe(400);
    expect((await bookOk(otherDriver, lot.id, at(5, 10), at(5, 11))).spot_id).toBe(r.spot_id);
  });

  it("asks Stripe again when the same extension is retried after the card was declined", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(5, 12), at(5, 13));
    await saveCard(r.reservation_id, "pm_card_chargeDeclined");
    await expectError(await extend(driver, r.reservation_id, at(5, 14)), 402, "payment_declined");

    await saveCard(r.reservation_id, "pm_card_visa");
    expect(await extendOk(driver, r.reservation_id, at(5, 14))).toMatchObject({
      end_time: at(5, 14).toISOString(),
      amount: 800,
      extension_amount: 400,
    });
    const succeeded = stripe()
      .intentsFor(r.reservation_id)
      .filter((pi) => pi.status === "succeeded");
    expect(succeeded.map((pi) => pi.amount)).toEqual([400, 400]);
    expect(await paidNet(r.reservation_id)).toBe(800);
  });
});
