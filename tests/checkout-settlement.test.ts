import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { findReservation } from "@/db/queries/reservations";
import { UpdateLotInput } from "@/lib/api/schemas";
import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import { checkIn } from "@/lib/lifecycle/transitions";
import { updateLot } from "@/lib/lots/manage-lots";
import { checkOut } from "@/lib/reservations/check-out";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { cancel, ledger, paidBooking, paidNet, statusOf, transitions, type CancelJson } from "./support/driver-api";
import { raceInOrder } from "./support/lock-queue";
import { useFakeStripe } from "./support/use-fake-stripe";

// Settlement at the exit gate (lib/reservations/check-out.ts): refunds for leaving early, off-session
// charges for overstaying, and what happens when a cancel or a second exit races it.
const stripe = useFakeStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

// Every lot here has the fixture's flat rate for compact spots, €4.00 an hour, billed in started
// quarter hours from the start (unless a test gives it a plan of its own), and the default
// 10-minute overstay tolerance.
const RATE = 400;
const RATES = { compact: RATE, large: 600, ev: 500, handicapped: 300 };

async function enter(id: string, when: Date) {
  const db = await getDb();
  await lifecycleTransaction(db, async (tx) => {
    const r = await findReservation(tx, id, { forUpdate: true });
    await checkIn(tx, r!, { cause: "gate", at: when });
  });
}

async function exitAt(id: string, when: Date) {
  return checkOut(await getDb(), id, when, { cause: "gate" });
}

/** A paid, checked-in reservation from `from` to `to` (hours on day 2, UTC) on its own lot. */
async function parked(fromHour: number, toHour: number) {
  const lot = await createTestLot({ counts: { compact: 1 } });
  const r = await paidBooking(driver, lot.id, at(2, fromHour), at(2, toHour));
  await enter(r.reservation_id, at(2, fromHour));
  const [bookingIntent] = stripe().intentsFor(r.reservation_id);
  return { ...r, bookingIntent: bookingIntent! };
}

describe("leaving before the booked end", () => {
  it("refunds what was paid minus the used time, re-priced in started quarter hours", async () => {
    const r = await parked(9, 13);
    expect(r.amount).toBe(4 * RATE);
    // 80 minutes used → 6 quarter hours → 1.5 h × 4.00 = 6.00 used; 16.00 − 6.00 back.
    expect(await exitAt(r.reservation_id, at(2, 10, 20))).toEqual({
      reservation_id: r.reservation_id,
      status: "completed",
      refund_amount: 1000,
      pending_charges: 0,
      currency: "EUR",
      changed: true,
    });
    expect(await statusOf(driver, r.reservation_id)).toBe("completed");

    const [refund, ...more] = stripe().refundsFor(r.bookingIntent.id);
    expect(more).toEqual([]);
    expect(refund!.amount).toBe(1000);
    const [request] = stripe()
      .posts("/v1/refunds")
      .filter((q) => q.body.payment_intent === r.bookingIntent.id);
    expect(request!.idempotencyKey).toContain(r.reservation_id);
    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status, p.amount])).toEqual([
      ["charge", "succeeded", 1600],
      ["refund", "succeeded", 1000],
    ]);
    expect(await paidNet(r.reservation_id)).toBe(600);
    expect(await transitions(r.reservation_id)).toEqual([
      "pending_payment→confirmed (payment)",
      "confirmed→checked_in (gate)",
      "checked_in→completed (gate)",
    ]);
  });

  it("bills a first quarter hour that was only started", async () => {
    const r = await parked(9, 13);
    // 5 minutes used → one quarter hour → 1.00.
    expect(await exitAt(r.reservation_id, at(2, 9, 5))).toMatchObject({ refund_amount: 1500, pending_charges: 0 });
    expect(await paidNet(r.reservation_id)).toBe(100);
  });

  it("never charges the used time below the plan's minimum charge", async () => {
    const lot = await createTestLot({
      counts: { compact: 1 },
      rate_plan: { base_hourly: RATES, minimum_charge: 1000 },
    });
    const r = await paidBooking(driver, lot.id, at(2, 9), at(2, 13));
    expect(r.amount).toBe(1600);
    await enter(r.reservation_id, at(2, 9));
    const [pi] = stripe().intentsFor(r.reservation_id);

    // 80 minutes would cost 6.00; the €10.00 minimum makes it 10.00.
    expect(await exitAt(r.reservation_id, at(2, 10, 20))).toMatchObject({ refund_amount: 600 });
    expect(
      stripe()
        .refundsFor(pi!.id)
        .map((x) => x.amount),
    ).toEqual([600]);
    expect(await paidNet(r.reservation_id)).toBe(1000);
  });

  it("re-prices the used time with the plan the driver booked at, not the lot's current one", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(2, 14), at(2, 18));
    await enter(r.reservation_id, at(2, 14));
    // The operator doubles the price after the booking.
    await updateLot(
      await getDb(),
      lot.id,
      UpdateLotInput.parse({ rate_plan: { base_hourly: { ...RATES, compact: 2 * RATE } } }),
    );

    // 60 minutes at the booked 4.00 → 16.00 − 4.00 back (at the new price it would be 8.00).
    expect(await exitAt(r.reservation_id, at(2, 15))).toMatchObject({ refund_amount: 1200 });
    expect(await paidNet(r.reservation_id)).toBe(400);
  });

  it("refunds nothing for leaving at the booked end", async () => {
    const r = await parked(9, 11);
    expect(await exitAt(r.reservation_id, at(2, 11))).toMatchObject({
      refund_amount: 0,
      pending_charges: 0,
      changed: true,
    });
    expect(stripe().refundsFor(r.bookingIntent.id)).toEqual([]);
    expect(await paidNet(r.reservation_id)).toBe(r.amount);
  });
});

describe("staying past the booked end", () => {
  it("charges the whole overstay off-session to the saved card once past the tolerance", async () => {
    const r = await parked(9, 11);
    // 25 minutes over (tolerance 10): all 25 are billed → 2 quarter hours → 2.00.
    expect(await exitAt(r.reservation_id, at(2, 11, 25))).toMatchObject({
      status: "completed",
      refund_amount: 0,
      pending_charges: 200,
    });

    const [booking, overstay, ...more] = stripe().intentsFor(r.reservation_id);
    expect(more).toEqual([]);
    expect(booking!.id).toBe(r.bookingIntent.id);
    expect(overstay).toMatchObject({
      amount: 200,
      currency: "eur",
      status: "succeeded",
      customer: r.bookingIntent.customer,
      payment_method: "pm_card_visa",
    });
    const [request] = stripe()
      .posts("/v1/payment_intents")
      .filter((q) => q.idempotencyKey?.includes(r.reservation_id) && q.body.off_session);
    expect(request!.body).toMatchObject({
      amount: "200",
      currency: "eur",
      off_session: "true",
      confirm: "true",
      payment_method: "pm_card_visa",
      customer: r.bookingIntent.customer,
    });
    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status, p.amount, p.stripePaymentIntentId])).toEqual([
      ["charge", "succeeded", 800, r.bookingIntent.id],
      ["adjustment", "succeeded", 200, overstay!.id],
    ]);
    expect(await paidNet(r.reservation_id)).toBe(1000);
  });

  it("charges nothing within the tolerance", async () => {
    const r = await parked(9, 11);
    expect(await exitAt(r.reservation_id, at(2, 11, 10))).toMatchObject({ refund_amount: 0, pending_charges: 0 });
    expect(stripe().intentsFor(r.reservation_id)).toHaveLength(1);
    expect(await paidNet(r.reservation_id)).toBe(800);
  });

  it("charges the overstay once when the exit is reported twice", async () => {
    const r = await parked(9, 11);
    const first = await exitAt(r.reservation_id, at(2, 11, 40));
    const second = await exitAt(r.reservation_id, at(2, 11, 40));
    // 40 minutes over → 3 quarter hours → 3.00.
    expect(first).toMatchObject({ pending_charges: 300, changed: true });
    expect(second).toMatchObject({ refund_amount: 0, pending_charges: 0, changed: false });
    expect(stripe().intentsFor(r.reservation_id)).toHaveLength(2);
    expect(await paidNet(r.reservation_id)).toBe(1100);
  });
});

describe("races", () => {
  it.each([
    { first: "cancel", refund: 1600, status: "cancelled" }, // before the start: all 16.00 back
    { first: "check-out", refund: 1200, status: "completed" }, // left after 1 of 4 hours: 12.00 back
  ])(
    "lets only the first of a cancel and a check-out racing on one reservation move money ($first first)",
    async ({ first, refund, status }) => {
      const lot = await createTestLot({ counts: { compact: 1 } });
      const r = await paidBooking(driver, lot.id, at(3, 9), at(3, 13));
      const [pi] = stripe().intentsFor(r.reservation_id);
      const cancelling = async () => {
        const res = await cancel(driver, r.reservation_id);
        const body = (await res.json()) as CancelJson & { error?: { code: string } };
        if (res.status !== 200) throw Object.assign(new Error(body.error!.code), { code: body.error!.code });
        return body.refund_amount;
      };
      const exiting = async () => (await exitAt(r.reservation_id, at(3, 10))).refund_amount;
      const racers = first === "cancel" ? [cancelling, exiting] : [exiting, cancelling];

      const [winner, loser] = await raceInOrder(r.reservation_id, racers);
      expect(winner).toEqual({ status: "fulfilled", value: refund });
      expect(loser).toMatchObject({ status: "rejected", reason: { code: "invalid_state" } });

      expect(await statusOf(driver, r.reservation_id)).toBe(status);
      const refunds = (await ledger(r.reservation_id)).filter((p) => p.kind === "refund");
      expect(refunds.map((p) => [p.status, p.amount])).toEqual([["succeeded", refund]]);
      expect(
        stripe()
          .refundsFor(pi!.id)
          .map((x) => x.amount),
      ).toEqual([refund]);
      expect(await paidNet(r.reservation_id)).toBe(1600 - refund);
    },
  );

  it("lets one of a cancel and a check-out started together win, never both", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(3, 14), at(3, 18));
    const [cancelRes, exit] = await Promise.all([
      cancel(driver, r.reservation_id),
      exitAt(r.reservation_id, at(3, 15)).then(
        (ok) => ({ ok }),
        (err: unknown) => ({ err }),
      ),
    ]);
    expect(cancelRes.status === 200).not.toBe("ok" in exit);
    const refunded = (await ledger(r.reservation_id)).filter((p) => p.kind === "refund");
    expect(refunded).toHaveLength(1);
    expect(await paidNet(r.reservation_id)).toBe(1600 - refunded[0]!.amount);
  });

  it("refunds once when two check-outs of the same reservation run at once", async () => {
    const r = await parked(9, 13);
    const exiting = () => exitAt(r.reservation_id, at(2, 10));
    const [first, second] = await raceInOrder(r.reservation_id, [exiting, exiting]);
    expect(first).toMatchObject({ status: "fulfilled", value: { refund_amount: 1200, changed: true } });
    expect(second).toMatchObject({ status: "fulfilled", value: { refund_amount: 0, changed: false } });
    expect(
      stripe()
        .refundsFor(r.bookingIntent.id)
        .map((x) => x.amount),
    ).toEqual([1200]);
    expect((await ledger(r.reservation_id)).filter((p) => p.kind === "refund")).toHaveLength(1);
    expect(await paidNet(r.reservation_id)).toBe(400);
    expect((await transitions(r.reservation_id)).filter((t) => t.endsWith("→completed (gate)"))).toHaveLength(1);
  });
});
