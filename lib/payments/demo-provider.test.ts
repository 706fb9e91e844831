import { describe, expect, it } from "vitest";
import { demoProvider } from "./demo-provider";
import { PaymentRejectedError } from "./provider";

// The keyless demo's processor must answer like Stripe's test payment methods, so the demo and the
// tests against the fake Stripe API tell the same story.

const user = { id: "user-1", email: "dev@example.test", name: "Dev Driver" };

async function openIntent(provider = demoProvider(), reservationId = "res-1") {
  const customerId = await provider.ensureCustomer(user, `customer:${user.id}`);
  const piId = await provider.createPaymentIntent({
    amount: 1200,
    currency: "EUR",
    customerId,
    reservationId,
    idempotencyKey: `pi:${reservationId}`,
  });
  return { provider, customerId, piId };
}

describe("demoProvider", () => {
  it.each(["pm_card_visa", "pm_card_mastercard", "4242 4242 4242 4242", "4242-4242-4242-4242", "5555 5555 5555 4444"])(
    "charges %s successfully",
    async (pm) => {
      const { provider, piId } = await openIntent();
      const result = await provider.confirmPaymentIntent(piId, { paymentMethodId: pm, idempotencyKey: "confirm:1" });
      expect(result).toEqual({ status: "succeeded", paymentIntentId: piId, paymentMethodId: expect.any(String) });
      expect(await provider.retrievePaymentIntent(piId)).toEqual(result);
    },
  );

  it("saves the card that paid on the customer (newest first), not one that was declined", async () => {
    const provider = demoProvider();
    const { customerId, piId } = await openIntent(provider, "res-1");
    expect(await provider.listSavedCards(customerId)).toEqual([]);
    await provider.confirmPaymentIntent(piId, {
      paymentMethodId: "pm_card_chargeDeclined",
      idempotencyKey: "confirm:1",
    });
    expect(await provider.listSavedCards(customerId)).toEqual([]);
    await provider.confirmPaymentIntent(piId, { paymentMethodId: "4242 4242 4242 4242", idempotencyKey: "confirm:2" });
    const second = await openIntent(provider, "res-2");
    await provider.confirmPaymentIntent(second.piId, {
      paymentMethodId: "pm_card_mastercard",
      idempotencyKey: "confirm:3",
    });
    expect((await provider.listSavedCards(customerId)).map((c) => [c.id, c.brand, c.last4])).toEqual([
      ["pm_card_mastercard", "mastercard", "4444"],
      ["4242424242424242", "visa", "4242"],
    ]);
  });

  it.each([
    ["pm_card_chargeDeclined", "generic_decline"],
    ["4000 0000 0000 0002", "generic_decline"],
    ["pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"],
    ["4000 0000 0000 9995", "insufficient_funds"],
  ])("declines %s with %s", async (pm, declineCode) => {
    const { provider, piId } = await openIntent();
    expect(await provider.confirmPaymentIntent(piId, { paymentMethodId: pm, idempotencyKey: "confirm:1" })).toEqual({
      status: "declined",
      paymentIntentId: piId,
      declineCode,
      message: expect.stringMatching(/declined|insufficient/),
    });
  });

  it("rejects a payment method it does not know, as Stripe does (resource_missing)", async () => {
    const { provider, piId } = await openIntent();
    const err = await provider
      .confirmPaymentIntent(piId, { paymentMethodId: "4000 0000 0000 0000", idempotencyKey: "confirm:1" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentRejectedError);
    expect(err).toMatchObject({ code: "resource_missing" });
    expect(await provider.retrievePaymentIntent(piId)).toEqual({ status: "open", paymentIntentId: piId });
  });

  it("answers a repeated idempotency key with the first answer", async () => {
    const { provider, customerId, piId } = await openIntent();
    expect(await provider.ensureCustomer(user, `customer:${user.id}`)).toBe(customerId);
    expect(
      await provider.createPaymentIntent({
        amount: 1200,
        currency: "EUR",
        customerId,
        reservationId: "res-1",
        idempotencyKey: "pi:res-1",
      }),
    ).toBe(piId);

    const declined = await provider.confirmPaymentIntent(piId, {
      paymentMethodId: "pm_card_chargeDeclined",
      idempotencyKey: "confirm:res-1:1",
    });
    // Same key, other card: still the first answer; a new attempt needs a new key.
    expect(
      await provider.confirmPaymentIntent(piId, { paymentMethodId: "pm_card_visa", idempotencyKey: "confirm:res-1:1" }),
    ).toEqual(declined);
    expect(
      await provider.confirmPaymentIntent(piId, { paymentMethodId: "pm_card_visa", idempotencyKey: "confirm:res-1:2" }),
    ).toMatchObject({ status: "succeeded" });

    const refund = {
      paymentIntentId: piId,
      amount: 500,
      reservationId: "res-1",
      idempotencyKey: "refund:cancel:res-1",
    };
    const first = await provider.refund(refund);
    expect(first).toEqual({ refundId: expect.stringMatching(/^re_/), status: "succeeded" });
    expect(await provider.refund(refund)).toEqual(first);
  });

  it("refuses to confirm an intent that already succeeded, so a second attempt cannot charge twice", async () => {
    const { provider, piId } = await openIntent();
    await provider.confirmPaymentIntent(piId, { paymentMethodId: "pm_card_visa", idempotencyKey: "confirm:1" });
    const err = await provider
      .confirmPaymentIntent(piId, { paymentMethodId: "pm_card_visa", idempotencyKey: "confirm:2" })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "payment_intent_unexpected_state" });
  });

  it("charges a saved card off-session once per key, and declines a declining one", async () => {
    const { provider, customerId } = await openIntent();
    const charge = {
      amount: 300,
      currency: "EUR",
      customerId,
      paymentMethodId: "pm_card_visa",
      reservationId: "res-1",
      description: "Overstay",
      idempotencyKey: "overstay:res-1",
    };
    const first = await provider.chargeOffSession(charge);
    expect(first).toMatchObject({ status: "succeeded", paymentIntentId: expect.stringMatching(/^pi_/) });
    expect(await provider.chargeOffSession(charge)).toEqual(first);
    expect(
      await provider.chargeOffSession({
        ...charge,
        idempotencyKey: "penalty:res-1",
        paymentMethodId: "pm_card_chargeDeclined",
      }),
    ).toMatchObject({
      status: "declined",
      declineCode: "generic_decline",
    });
  });

  it("keeps separate instances apart, like separate Stripe accounts", async () => {
    const a = await openIntent(demoProvider());
    const b = await openIntent(demoProvider());
    expect(a.piId).not.toBe(b.piId);
    expect(a.customerId).not.toBe(b.customerId);
  });
});
