import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { findReservation } from "@/db/queries/reservations";
import { processorCustomerId } from "@/db/queries/users";
import { savedCardsFor } from "@/lib/payments/saved-cards";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { bookOk, payOk } from "./support/driver-api";
import { useFakeStripe } from "./support/use-fake-stripe";

// Saved cards for the pay page's Payment Element, through the real `stripe` SDK against the local
// Stripe-shaped server: one Stripe customer per driver, every booking payment made with
// setup_future_usage "off_session" (so extensions and overstays can be charged later), and the
// cards Stripe attached offered on the next payment.
const stripe = useFakeStripe();

let lotId: string;
let driver: TestUser;
beforeAll(async () => {
  lotId = (await createTestLot({ counts: { compact: 4 } })).id;
  driver = await createUser("driver");
});

describe("a driver's saved cards", () => {
  it("are none before the first payment, then the card that paid, which pays the next booking on the same customer", async () => {
    const db = await getDb();
    expect(await savedCardsFor(db, driver.id)).toEqual([]);

    const first = await bookOk(driver, lotId, at(1, 9), at(1, 10));
    await payOk(driver, first, "pm_card_visa");
    const customer = await processorCustomerId(db, driver.id);
    expect(customer).toMatch(/^cus_/);
    const [intent] = stripe().intentsFor(first.reservation_id);
    expect(intent).toMatchObject({ customer, setup_future_usage: "off_session", status: "succeeded" });

    const cards = await savedCardsFor(db, driver.id);
    expect(cards).toEqual([
      { id: "pm_card_visa", brand: "visa", last4: "4242", expMonth: 12, expYear: expect.any(Number) },
    ]);
    expect(
      stripe()
        .requests.filter((r) => r.method === "GET" && r.path === `/v1/customers/${customer}/payment_methods`)
        .at(-1)?.body,
    ).toMatchObject({
      type: "card",
    });

    // The next booking is paid with the saved card, on the same customer (not a second one).
    const second = await bookOk(driver, lotId, at(1, 11), at(1, 12));
    await payOk(driver, second, cards![0]!.id);
    expect(stripe().intentsFor(second.reservation_id)).toMatchObject([
      { customer, payment_method: "pm_card_visa", status: "succeeded" },
    ]);
    expect(
      stripe()
        .posts("/v1/customers")
        .filter((r) => (r.body.metadata as { user_id?: string })?.user_id === driver.id),
    ).toHaveLength(1);
    // Kept on the booking for off-session charges (extension, overstay, no-show penalty).
    expect((await findReservation(db, second.reservation_id))!.paymentMethodId).toBe("pm_card_visa");

    // A second card joins the list, newest first.
    const third = await bookOk(driver, lotId, at(1, 13), at(1, 14));
    await payOk(driver, third, "pm_card_mastercard");
    expect((await savedCardsFor(db, driver.id))!.map((c) => `${c.brand} ${c.last4}`)).toEqual([
      "mastercard 4444",
      "visa 4242",
    ]);
  });

  it("are the driver's own: another driver sees none of them", async () => {
    const other = await createUser("driver");
    const r = await bookOk(other, lotId, at(2, 9), at(2, 10));
    await payOk(other, r, "pm_card_mastercard");
    const db = await getDb();
    expect(await processorCustomerId(db, other.id)).not.toBe(await processorCustomerId(db, driver.id));
    expect((await savedCardsFor(db, other.id))!.map((c) => c.id)).toEqual(["pm_card_mastercard"]);
  });

  it("are unknown (null, not an empty list) while Stripe cannot be reached", async () => {
    stripe().failNextRequests(1, { path: /^GET \/v1\/customers\/[^/]+\/payment_methods$/, shouldRetry: false });
    expect(await savedCardsFor(await getDb(), driver.id)).toBeNull();
    expect(await savedCardsFor(await getDb(), driver.id)).toHaveLength(2);
  });
});
