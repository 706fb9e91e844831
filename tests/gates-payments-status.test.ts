import { describe, expect, it } from "vitest";
import { at, createTestLot, testPeople } from "./fixtures";
import { bookOk, pay } from "./support/driver-api";
import { checkOut, gatedLot, uniquePlate } from "./support/gates";
import { useFakeStripe } from "./support/use-fake-stripe";

// The kiosk's red "payments down" band follows what the server's own calls to Stripe experience:
// every gate answer carries x-spotkeeper-payments: up | down.
const stripe = useFakeStripe();

const { driver, operator } = testPeople();

const CONFIRM = /^POST \/v1\/payment_intents\/[^/]+\/confirm$/;

describe("the payments state the gates report", () => {
  it("turns down when Stripe stops answering and up again with its next answer", async () => {
    const { exit } = await gatedLot(operator);
    const status = async () =>
      (await checkOut(exit, { identifier: uniquePlate() })).headers.get("x-spotkeeper-payments");
    expect(await status()).toBe("up");

    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(3, 9), at(3, 11));
    const body = { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: "pm_card_visa" };
    stripe().failNextRequests(1, { path: CONFIRM, shouldRetry: false });
    expect((await pay(driver, body)).status).toBe(503);
    expect(await status()).toBe("down");

    expect((await pay(driver, body)).status).toBe(201);
    expect(await status()).toBe("up");
  });
});
