import { afterAll, describe, expect, it } from "vitest";
import { testPeople } from "./fixtures";
import { cancel, ledger, paidNet, statusOf, transitions } from "./support/driver-api";
import {
  checkInOk,
  checkOut,
  checkOutOk,
  eventsFor,
  gatedLot,
  gatesSettled,
  minutesFromNow,
  moveWindow,
  paidPlateBooking,
  passToken,
  uniquePlate,
  useQrSigningKey,
} from "./support/gates";
import { useFakeStripe } from "./support/use-fake-stripe";

// The exit barrier always opens; what the car owes is settled through checkOut after the answer.
// The test lots charge a flat €4.00 an hour for compact spots, in started quarter hours.
const stripe = useFakeStripe();
useQrSigningKey();

const { driver, operator } = testPeople();
afterAll(gatesSettled);

/** A paid four-hour booking (€16.00), the car let in by the entry gate. */
async function parkedCar() {
  const gates = await gatedLot(operator);
  const plate = uniquePlate();
  const r = await paidPlateBooking(driver, gates.lot.id, minutesFromNow(5), minutesFromNow(5 + 240), plate);
  expect(r.amount).toBe(1600);
  expect(await checkInOk(gates.entry, { identifier: plate })).toMatchObject({ action: "open_barrier" });
  await gatesSettled();
  return { ...gates, plate, r };
}

describe("leaving", () => {
  it("opens, and refunds the unused time through checkOut when the car leaves before the end", async () => {
    const { exit, plate, r } = await parkedCar();
    // Parked for 50 minutes of the four hours (the booking is moved back: it cannot start in the past).
    await moveWindow(r.reservation_id, minutesFromNow(-50), minutesFromNow(190));
    const answer = await checkOutOk(exit, { identifier: plate });
    expect(answer).toMatchObject({
      action: "open_barrier",
      reservation_id: r.reservation_id,
      pending_charges: 0,
      currency: "EUR",
    });
    expect(answer.message).toMatch(/goodbye/i);

    await gatesSettled();
    expect(await statusOf(driver, r.reservation_id)).toBe("completed");
    expect((await transitions(r.reservation_id)).map((t) => t.replace(/ \(.*\)$/, ""))).toEqual([
      "pending_payment→confirmed",
      "confirmed→checked_in",
      "checked_in→completed",
    ]);
    // 50 minutes → 4 started quarter hours → €4.00 used; €12.00 back to the card.
    const [intent] = stripe().intentsFor(r.reservation_id);
    expect(
      stripe()
        .refundsFor(intent!.id)
        .map((x) => x.amount),
    ).toEqual([1200]);
    expect(await paidNet(r.reservation_id)).toBe(400);
    const exitEvent = (await eventsFor({ reservationId: r.reservation_id })).find((e) => e.kind === "exit");
    expect(exitEvent).toMatchObject({
      eventId: answer.event_id,
      action: "open_barrier",
      pendingCharges: 0,
      offline: false,
    });
  });

  it("states the overstay at the barrier and charges it to the saved card", async () => {
    const { exit, plate, r } = await parkedCar();
    // Booked until 30 minutes ago, past the 10 minutes' tolerance: the whole 30 minutes and the
    // moments since are billed, 3 started quarter hours at €4.00 an hour → €3.00.
    await moveWindow(r.reservation_id, minutesFromNow(-210), minutesFromNow(-30));
    const answer = await checkOutOk(exit, { identifier: plate });
    expect(answer).toMatchObject({ action: "open_barrier", pending_charges: 300, currency: "EUR" });
    expect(answer.message).toContain("€3.00");

    await gatesSettled();
    expect((await ledger(r.reservation_id)).map((p) => [p.kind, p.status, p.amount])).toEqual([
      ["charge", "succeeded", 1600],
      ["adjustment", "succeeded", 300],
    ]);
    const exitEvent = (await eventsFor({ reservationId: r.reservation_id })).find((e) => e.kind === "exit");
    expect(exitEvent).toMatchObject({ pendingCharges: 300, currency: "EUR" });
  });

  it("checks out by QR pass too, recording the entry the gate never saw", async () => {
    const gates = await gatedLot(operator);
    const r = await paidPlateBooking(driver, gates.lot.id, minutesFromNow(5), minutesFromNow(125), uniquePlate());
    const answer = await checkOutOk(gates.exit, { identifier: await passToken(driver, r.reservation_id) });
    expect(answer).toMatchObject({ action: "open_barrier", reservation_id: r.reservation_id });
    await gatesSettled();
    expect(await statusOf(driver, r.reservation_id)).toBe("completed");
  });
});

describe("the exit never traps a car", () => {
  it("opens for a plate nobody booked", async () => {
    const { exit, lot } = await gatedLot(operator);
    expect(await checkOutOk(exit, { identifier: uniquePlate() })).toMatchObject({
      action: "open_barrier",
      pending_charges: 0,
      currency: lot.currency,
      reason: "no_reservation",
    });
  });

  it("opens for an unreadable read and a doubtful one", async () => {
    const { exit } = await gatedLot(operator);
    expect(await checkOutOk(exit, { identifier: "???" })).toMatchObject({
      action: "open_barrier",
      reason: "unreadable",
    });
    expect(await checkOutOk(exit, { identifier: uniquePlate(), confidence: 0.1 })).toMatchObject({
      action: "open_barrier",
      reason: "low_confidence",
    });
  });

  it("opens for a cancelled reservation's car, charging nothing", async () => {
    const gates = await gatedLot(operator);
    const plate = uniquePlate();
    const r = await paidPlateBooking(driver, gates.lot.id, minutesFromNow(5), minutesFromNow(65), plate);
    expect((await cancel(driver, r.reservation_id)).status).toBe(200);
    expect(await checkOutOk(gates.exit, { identifier: plate })).toMatchObject({
      action: "open_barrier",
      pending_charges: 0,
      reason: "cancelled",
    });
  });

  it("still refuses requests from an entry gate (a wiring mistake, not a car)", async () => {
    const { entry } = await gatedLot(operator);
    expect((await checkOut(entry, { identifier: uniquePlate() })).status).toBe(403);
  });
});
