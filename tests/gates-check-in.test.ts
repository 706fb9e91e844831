import { afterAll, describe, expect, it } from "vitest";
import { createTestLot, testPeople } from "./fixtures";
import { cancel, statusOf, transitions } from "./support/driver-api";
import {
  checkIn,
  checkInOk,
  createGate,
  eventsFor,
  gatedLot,
  gatesSettled,
  minutesFromNow,
  moveWindow,
  passToken,
  uniquePlate,
  useQrSigningKey,
  bookedCar,
  type CarOptions,
} from "./support/gates";
import { useFakeStripe } from "./support/use-fake-stripe";

// The entry barrier: who gets in, when, and what the kiosk is told. Every booking here starts five
// minutes from now, inside the lots' default 15-minute entry margin, unless a test moves it.
useFakeStripe();
useQrSigningKey();

const { driver, operator } = testPeople();
afterAll(gatesSettled);

/** The reservation's lifecycle edges, oldest first, without their causes. */
const edges = async (id: string) => (await transitions(id)).map((t) => t.replace(/ \(.*\)$/, ""));

const car = (o?: CarOptions) => bookedCar(operator, driver, o);

describe("a booked car at the entry", () => {
  it("opens for the plate, names the spot, and checks the reservation in at the read", async () => {
    const { entry, plate, r } = await car();
    const answer = await checkInOk(entry, {
      identifier: plate.toLowerCase().replace(/(\w{3})/, "$1-"),
      confidence: 0.97,
    });
    expect(answer).toMatchObject({
      action: "open_barrier",
      reservation_id: r.reservation_id,
      spot_id: r.spot_id,
      spot_label: r.spot_label,
      level: "G",
    });
    expect(answer.message).toContain(r.spot_label);
    expect(answer.reason).toBeUndefined();

    await gatesSettled();
    expect(await statusOf(driver, r.reservation_id)).toBe("checked_in");
    // Applied by the parking/vehicle.entered consumer (whose cause names who ran it).
    expect(await edges(r.reservation_id)).toEqual(["pending_payment→confirmed", "confirmed→checked_in"]);
    const [event, ...more] = await eventsFor({ reservationId: r.reservation_id });
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      eventId: answer.event_id,
      kind: "entry",
      identifier: plate,
      action: "open_barrier",
      offline: false,
    });
    expect(event!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(event!.response).toEqual(answer);
  });

  it("opens for the driver's QR pass", async () => {
    const { entry, r } = await car();
    const answer = await checkInOk(entry, { identifier: await passToken(driver, r.reservation_id) });
    expect(answer).toMatchObject({
      action: "open_barrier",
      reservation_id: r.reservation_id,
      spot_label: r.spot_label,
    });
    await gatesSettled();
    expect(await statusOf(driver, r.reservation_id)).toBe("checked_in");
    expect((await eventsFor({ reservationId: r.reservation_id }))[0]!.identifier).toBe(`qr:${r.reservation_id}`);
  });

  it("refuses a QR code whose signature does not verify", async () => {
    const { entry, r } = await car();
    const token = await passToken(driver, r.reservation_id);
    const [header, payload, signature] = token.split(".");
    const forged = `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
    expect(await checkInOk(entry, { identifier: forged })).toMatchObject({ action: "deny", reason: "invalid_pass" });
  });
});

describe("timing", () => {
  it("says too early, with the lot-time the entry opens, before the entry margin", async () => {
    const { entry, plate } = await car({ lot: { time_zone: "UTC" }, startIn: 120 });
    const answer = await checkInOk(entry, { identifier: plate });
    expect(answer).toMatchObject({ action: "deny", reason: "too_early" });
    const opens = minutesFromNow(105);
    const hhmm = (d: Date) =>
      `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
    // The read happened a moment ago, so the minute may have turned in between.
    expect([hhmm(opens), hhmm(new Date(opens.getTime() - 60_000))].some((t) => answer.message.includes(t))).toBe(true);
  });

  it("lets a car in within a wider margin the lot allows", async () => {
    const { entry, plate } = await car({ lot: { gate_entry_margin_minutes: 180 }, startIn: 120 });
    expect(await checkInOk(entry, { identifier: plate })).toMatchObject({ action: "open_barrier" });
  });

  it("says expired once start + grace has passed", async () => {
    const { entry, plate, r } = await car({ lot: { grace_minutes: 30 } });
    await moveWindow(r.reservation_id, minutesFromNow(-45), minutesFromNow(60));
    expect(await checkInOk(entry, { identifier: plate })).toMatchObject({
      action: "deny",
      reason: "expired",
      reservation_id: r.reservation_id,
    });
  });

  it("still opens just inside the grace", async () => {
    const { entry, plate, r } = await car({ lot: { grace_minutes: 30 } });
    await moveWindow(r.reservation_id, minutesFromNow(-25), minutesFromNow(60));
    expect(await checkInOk(entry, { identifier: plate })).toMatchObject({ action: "open_barrier" });
  });
});

describe("refusals", () => {
  it("refuses a car booked at another lot, by plate and by QR pass", async () => {
    const { plate, r } = await car();
    const elsewhere = await gatedLot(operator);
    expect(await checkInOk(elsewhere.entry, { identifier: plate })).toMatchObject({
      action: "deny",
      reason: "wrong_lot",
    });
    const qr = await passToken(driver, r.reservation_id);
    expect(await checkInOk(elsewhere.entry, { identifier: qr })).toMatchObject({ action: "deny", reason: "wrong_lot" });
  });

  it("refuses a cancelled reservation", async () => {
    const { entry, plate, r } = await car();
    expect((await cancel(driver, r.reservation_id)).status).toBe(200);
    const answer = await checkInOk(entry, { identifier: plate });
    expect(answer).toMatchObject({ action: "deny", reason: "cancelled" });
    expect(answer.message).toMatch(/cancelled/i);
  });

  it("refuses a plate nobody booked", async () => {
    const { entry } = await gatedLot(operator);
    expect(await checkInOk(entry, { identifier: uniquePlate() })).toMatchObject({
      action: "deny",
      reason: "no_reservation",
    });
  });

  it("asks for the QR pass instead of guessing below the lot's confidence threshold", async () => {
    const { entry, plate } = await car({ lot: { lpr_confidence_threshold: 0.9 } });
    const doubtful = await checkInOk(entry, { identifier: plate, confidence: 0.85 });
    expect(doubtful).toMatchObject({ action: "ask_for_qr", reason: "low_confidence" });
    expect(doubtful.reservation_id).toBeUndefined();
    // A clear read of the same plate a moment later is decided, not taken for a duplicate of the doubtful one.
    expect(await checkInOk(entry, { identifier: plate, confidence: 0.93 })).toMatchObject({ action: "open_barrier" });
  });

  it("asks for the QR pass when the read is not a plate at all", async () => {
    const { entry } = await gatedLot(operator);
    expect(await checkInOk(entry, { identifier: "#?!" })).toMatchObject({ action: "ask_for_qr", reason: "unreadable" });
  });
});

describe("anti-passback", () => {
  it("refuses a second entry while the car is inside", async () => {
    const { lot, entry, plate, r } = await car();
    expect(await checkInOk(entry, { identifier: plate })).toMatchObject({ action: "open_barrier" });
    await gatesSettled();
    const otherEntry = await createGate(operator, lot.id, "entry");
    expect(await checkInOk(otherEntry, { identifier: plate })).toMatchObject({
      action: "deny",
      reason: "already_inside",
      reservation_id: r.reservation_id,
    });
    expect(await checkInOk(otherEntry, { identifier: await passToken(driver, r.reservation_id) })).toMatchObject({
      reason: "already_inside",
    });
  });

  it("lets the car in again when the lot allows re-entry", async () => {
    const { lot, entry, plate, r } = await car({ lot: { allow_reentry: true } });
    await checkInOk(entry, { identifier: plate });
    await gatesSettled();
    const otherEntry = await createGate(operator, lot.id, "entry");
    const again = await checkInOk(otherEntry, { identifier: plate });
    expect(again).toMatchObject({ action: "open_barrier", reason: "reentry", reservation_id: r.reservation_id });
    expect(again.message).toMatch(/welcome back/i);
    await gatesSettled();
    expect(await statusOf(driver, r.reservation_id)).toBe("checked_in");
  });
});

describe("duplicate reads", () => {
  it("takes the same plate read again at the same gate within seconds as one event", async () => {
    const { entry, plate, r } = await car();
    const together = await Promise.all([
      checkInOk(entry, { identifier: plate }),
      checkInOk(entry, { identifier: plate }),
    ]);
    const after = await checkInOk(entry, { identifier: plate.toLowerCase() });
    expect(new Set([...together, after].map((a) => a.event_id)).size).toBe(1);
    expect(after).toEqual(together[0]);
    expect(after.action).toBe("open_barrier");

    await gatesSettled();
    expect(await eventsFor({ reservationId: r.reservation_id })).toHaveLength(1);
    expect(await edges(r.reservation_id)).toEqual(["pending_payment→confirmed", "confirmed→checked_in"]);
  });

  it("answers a repeated event id with the first answer", async () => {
    const { entry, plate } = await car();
    const eventId = crypto.randomUUID();
    const first = await checkInOk(entry, { identifier: plate, event_id: eventId });
    expect(first.event_id).toBe(eventId);
    expect(await checkInOk(entry, { identifier: plate, event_id: eventId })).toEqual(first);
  });
});

describe("the wrong gate", () => {
  it("refuses a check-in from an exit gate", async () => {
    const { exit, plate } = await car();
    const res = await checkIn(exit, { identifier: plate });
    expect(res.status).toBe(403);
  });

  it("refuses a gate of another lot even with this lot's id", async () => {
    const { lot, plate } = await car();
    const other = await createTestLot({ counts: { compact: 1 } });
    const foreign = await createGate(operator, other.id, "entry");
    const res = await checkIn({ ...foreign, lot_id: lot.id }, { identifier: plate });
    expect(res.status).toBe(403);
  });
});
