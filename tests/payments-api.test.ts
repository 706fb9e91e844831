import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { reservations } from "@/db/schema";
import { at, createTestLot, createUser, expectError, type TestUser } from "./fixtures";
import {
  book,
  bookOk,
  ledger,
  paidNet,
  pay,
  payOk,
  quoteTotal,
  statusOf,
  transitions,
  type ErrorJson,
} from "./support/driver-api";
import { useFakeStripe } from "./support/use-fake-stripe";

// POST /v1/payments against the real `stripe` SDK talking to a local fake of the Stripe API.
const stripe = useFakeStripe();

let driver: TestUser;
let otherDriver: TestUser;

beforeAll(async () => {
  [driver, otherDriver] = await Promise.all([createUser("driver"), createUser("driver")]);
});

const confirmsOf = (piId: string) => stripe().posts(`/v1/payment_intents/${piId}/confirm`);

describe("paying a booking", () => {
  it("books at the quoted total, charges exactly that once, and confirms the reservation", async () => {
    const lot = await createTestLot({
      counts: { compact: 2 },
      currency: "EUR",
      hourly_rates: { compact: 350, large: 500, ev: 450, handicapped: 300 },
    });
    const start = at(3, 9);
    const end = at(3, 11, 30);
    const quoted = await quoteTotal(lot.id, start, end);
    const r = await bookOk(driver, lot.id, start, end);
    expect(r).toMatchObject({ status: "pending_payment", amount: quoted.total, currency: "EUR" });
    expect(r.amount).toBe(875); // 2.5 h × 3.50

    const res = await pay(driver, {
      reservation_id: r.reservation_id,
      amount: r.amount,
      payment_method_id: "pm_card_visa",
    });
    expect(res.status).toBe(201);
    const paid = await res.json();
    expect(paid).toEqual({
      transaction_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: "succeeded",
      reservation_id: r.reservation_id,
    });
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");

    const [pi, ...more] = stripe().intentsFor(r.reservation_id);
    expect(more).toEqual([]);
    expect(pi).toMatchObject({
      amount: 875,
      currency: "eur",
      status: "succeeded",
      amount_received: 875,
      setup_future_usage: "off_session",
    });
    const [created] = stripe()
      .posts("/v1/payment_intents")
      .filter((q) => (q.body.metadata as { reservation_id?: string })?.reservation_id === r.reservation_id);
    expect(created!.body).toMatchObject({ amount: "875", currency: "eur", setup_future_usage: "off_session" });
    // Derived from the reservation, so a retried request can never create a second intent.
    expect(created!.idempotencyKey).toContain(r.reservation_id);
    const [confirm] = confirmsOf(pi!.id);
    expect(confirm!.body).toMatchObject({ payment_method: "pm_card_visa" });
    expect(confirm!.idempotencyKey).toContain(r.reservation_id);

    const rows = await ledger(r.reservation_id);
    expect(
      rows.map((p) => ({
        id: p.id,
        kind: p.kind,
        status: p.status,
        amount: p.amount,
        currency: p.currency,
        pi: p.stripePaymentIntentId,
      })),
    ).toEqual([
      { id: paid.transaction_id, kind: "charge", status: "succeeded", amount: 875, currency: "EUR", pi: pi!.id },
    ]);
    expect(await paidNet(r.reservation_id)).toBe(r.amount);
    expect(await transitions(r.reservation_id)).toEqual(["pending_payment→confirmed (payment)"]);
  });

  it("answers a second payment of a paid booking with the same transaction and moves no money", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(3, 12), at(3, 14));
    const first = await payOk(driver, r);
    const before = stripe().requests.length;

    const again = await payOk(driver, r);
    expect(again).toEqual(first);
    // Answered from the ledger: Stripe was not even asked.
    expect(stripe().requests.length).toBe(before);
    const [pi, ...more] = stripe().intentsFor(r.reservation_id);
    expect(more).toEqual([]);
    expect(confirmsOf(pi!.id)).toHaveLength(1);
    expect((await ledger(r.reservation_id)).filter((p) => p.kind === "charge")).toHaveLength(1);
    expect(await paidNet(r.reservation_id)).toBe(r.amount);
  });

  it("charges once when the same booking is paid twice at the same moment (a double click)", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(3, 15), at(3, 16));
    const [a, b] = await Promise.all([payOk(driver, r), payOk(driver, r)]);
    expect(a.transaction_id).toBe(b.transaction_id);

    const [pi, ...more] = stripe().intentsFor(r.reservation_id);
    expect(more).toEqual([]);
    expect(pi).toMatchObject({ status: "succeeded", amount_received: r.amount });
    const rows = await ledger(r.reservation_id);
    expect(rows.map((p) => [p.kind, p.status, p.amount])).toEqual([["charge", "succeeded", r.amount]]);
    expect(await transitions(r.reservation_id)).toEqual(["pending_payment→confirmed (payment)"]);
  });

  it("charges whole yen for a JPY lot", async () => {
    const lot = await createTestLot({
      counts: { compact: 1 },
      currency: "JPY",
      time_zone: "Asia/Tokyo",
      hourly_rates: { compact: 300, large: 500, ev: 400, handicapped: 200 },
    });
    const start = at(4, 1);
    const end = at(4, 3, 45);
    const quoted = await quoteTotal(lot.id, start, end);
    const r = await bookOk(driver, lot.id, start, end);
    expect(r).toMatchObject({ amount: 825, currency: "JPY" }); // 2.75 h × ¥300, no cents anywhere
    expect(quoted).toMatchObject({ total: 825, currency: "JPY" });

    await payOk(driver, r);
    expect(stripe().intentsFor(r.reservation_id)).toEqual([
      expect.objectContaining({ amount: 825, currency: "jpy", amount_received: 825 }),
    ]);
    expect((await ledger(r.reservation_id)).map((p) => [p.amount, p.currency])).toEqual([[825, "JPY"]]);
  });
});

describe("a declined card", () => {
  it("answers 402 payment_declined with Stripe's decline code and keeps the hold", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(5, 9), at(5, 10));
    const res = await pay(driver, {
      reservation_id: r.reservation_id,
      amount: r.amount,
      payment_method_id: "pm_card_chargeDeclined",
    });
    const err = await expectError(res, 402, "payment_declined");
    expect(err.details).toMatchObject({ decline_code: "generic_decline" });
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
    expect(await paidNet(r.reservation_id)).toBe(0);
    expect(await transitions(r.reservation_id)).toEqual([]);
  });

  it("reports insufficient funds as its own decline code", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(5, 11), at(5, 12));
    const res = await pay(driver, {
      reservation_id: r.reservation_id,
      amount: r.amount,
      payment_method_id: "pm_card_chargeDeclinedInsufficientFunds",
    });
    expect((await expectError(res, 402, "payment_declined")).details).toMatchObject({
      decline_code: "insufficient_funds",
    });
  });

  it("lets the driver pay with another card on the same PaymentIntent, charging once", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(5, 13), at(5, 15));
    await expectError(
      await pay(driver, {
        reservation_id: r.reservation_id,
        amount: r.amount,
        payment_method_id: "pm_card_chargeDeclined",
      }),
      402,
      "payment_declined",
    );
    const paid = await payOk(driver, r, "pm_card_visa");
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");

    const [pi, ...more] = stripe().intentsFor(r.reservation_id);
    expect(more).toEqual([]);
    expect(confirmsOf(pi!.id).map((c) => c.body.payment_method)).toEqual(["pm_card_chargeDeclined", "pm_card_visa"]);
    // Each attempt has its own key: reusing the declined attempt's key would replay the decline.
    const keys = confirmsOf(pi!.id).map((c) => c.idempotencyKey);
    expect(new Set(keys).size).toBe(2);
    expect(pi).toMatchObject({ status: "succeeded", amount_received: r.amount });
    const rows = await ledger(r.reservation_id);
    expect(rows.map((p) => ({ id: p.id, kind: p.kind, status: p.status, amount: p.amount }))).toEqual([
      { id: paid.transaction_id, kind: "charge", status: "succeeded", amount: r.amount },
    ]);
  });
});

describe("payments that are refused before reaching Stripe", () => {
  it("answers 409 amount_mismatch with the expected amount when the amount differs from the booking's", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(6, 9), at(6, 10));
    const err = await expectError(
      await pay(driver, { reservation_id: r.reservation_id, amount: r.amount - 1, payment_method_id: "pm_card_visa" }),
      409,
      "amount_mismatch",
    );
    expect(err.details).toEqual({ expected: r.amount, currency: r.currency });
    expect(stripe().intentsFor(r.reservation_id)).toEqual([]);
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
  });

  it("answers 404 for an unknown reservation", async () => {
    await expectError(
      await pay(driver, { reservation_id: randomUUID(), amount: 100, payment_method_id: "pm_card_visa" }),
      404,
      "not_found",
    );
  });

  it("answers 404 when paying another driver's reservation, and charges nobody", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(6, 11), at(6, 12));
    await expectError(
      await pay(otherDriver, { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: "pm_card_visa" }),
      404,
      "not_found",
    );
    expect(stripe().intentsFor(r.reservation_id)).toEqual([]);
    expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
  });

  it.each([
    ["no payment method", { amount: 100 }, "payment_method_id"],
    ["a negative amount", { amount: -5, payment_method_id: "pm_card_visa" }, "amount"],
    ["a fractional amount", { amount: 10.5, payment_method_id: "pm_card_visa" }, "amount"],
    ["an amount as a string", { amount: "100", payment_method_id: "pm_card_visa" }, "amount"],
  ])("answers 422 naming the field for a body with %s", async (_what, fields, path) => {
    const res = await pay(driver, { reservation_id: randomUUID(), ...fields });
    const err = await expectError(res, 422, "validation_failed");
    expect(err.details).toEqual([expect.objectContaining({ path })]);
  });

  it("answers 422 for a reservation id that is not a UUID", async () => {
    const err = await expectError(
      await pay(driver, { reservation_id: "42", amount: 100, payment_method_id: "pm_card_visa" }),
      422,
      "validation_failed",
    );
    expect(err.details).toEqual([expect.objectContaining({ path: "reservation_id" })]);
  });

  it("answers 402 payment_failed for a payment method Stripe does not know, leaving the hold payable", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(6, 13), at(6, 14));
    const err = await expectError(
      await pay(driver, { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: "pm_does_not_exist" }),
      402,
      "payment_failed",
    );
    expect(err.details).toMatchObject({ code: "resource_missing" });
    await payOk(driver, r);
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
  });
});

describe("an unpaid hold that ran out", () => {
  const lapse = async (id: string) => {
    const db = await getDb();
    await db
      .update(reservations)
      .set({ holdExpiresAt: new Date(Date.now() - 60_000) })
      .where(eq(reservations.id, id));
  };

  it("is expired by the next booking for that lot and type, which gets the spot; paying it then answers 409 hold_expired", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const start = at(7, 9);
    const end = at(7, 11);
    const held = await bookOk(driver, lot.id, start, end);
    await lapse(held.reservation_id);

    const next = await bookOk(otherDriver, lot.id, start, end);
    expect(next.spot_id).toBe(held.spot_id);
    expect(await statusOf(driver, held.reservation_id)).toBe("expired");
    expect(await transitions(held.reservation_id)).toEqual(["pending_payment→expired (scheduler)"]);

    const err = await expectError(
      await pay(driver, {
        reservation_id: held.reservation_id,
        amount: held.amount,
        payment_method_id: "pm_card_visa",
      }),
      409,
      "hold_expired",
    );
    expect(err.message).toMatch(/book again/);
    expect(stripe().intentsFor(held.reservation_id)).toEqual([]);
    expect(await ledger(held.reservation_id)).toEqual([]);
  });

  it("answers 409 hold_expired when paid after the deadline before anything swept it, and frees the spot", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const start = at(7, 12);
    const end = at(7, 13);
    const held = await bookOk(driver, lot.id, start, end);
    await lapse(held.reservation_id);

    await expectError(
      await pay(driver, {
        reservation_id: held.reservation_id,
        amount: held.amount,
        payment_method_id: "pm_card_visa",
      }),
      409,
      "hold_expired",
    );
    expect(await statusOf(driver, held.reservation_id)).toBe("expired");
    expect(await transitions(held.reservation_id)).toEqual(["pending_payment→expired (payment)"]);
    expect(stripe().intentsFor(held.reservation_id)).toEqual([]);
    expect((await bookOk(otherDriver, lot.id, start, end)).spot_id).toBe(held.spot_id);
  });

  it("is not expired by a booking of another vehicle type", async () => {
    const lot = await createTestLot({ counts: { compact: 1, large: 1 } });
    const held = await bookOk(driver, lot.id, at(7, 14), at(7, 15));
    await lapse(held.reservation_id);
    await bookOk(otherDriver, lot.id, at(7, 14), at(7, 15), "large");
    expect(await statusOf(driver, held.reservation_id)).toBe("pending_payment");
  });

  it("still holds the spot while it has not run out", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const held = await bookOk(driver, lot.id, at(7, 16), at(7, 17));
    const res = await book(otherDriver, lot.id, at(7, 16), at(7, 17));
    expect(((await res.json()) as ErrorJson).error.code).toBe("no_spot_available");
    expect(await statusOf(driver, held.reservation_id)).toBe("pending_payment");
  });
});
