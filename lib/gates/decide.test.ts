import { describe, expect, it } from "vitest";
import { decideEntry, entryWindow, exitPass } from "./decide";
import type { GatePass } from "./gate-pass";

const lot = { gateEntryMarginMinutes: 15, graceMinutes: 30, allowReentry: false };
const at = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00Z`);

function pass(id: string, start: string, end: string, status: GatePass["status"] = "confirmed"): GatePass {
  return {
    reservation_id: id,
    lot_id: "lot",
    spot_id: `spot-${id}`,
    spot_label: `G-C00${id}`,
    level: "G",
    plate: "AB12CD",
    status,
    start: at(start).toISOString(),
    end: at(end).toISOString(),
    vehicle_type: "compact",
    currency: "EUR",
    plan: null,
  };
}

describe("the entry window", () => {
  it("runs from the margin before the start until start + grace", () => {
    expect(entryWindow(pass("1", "10:00", "12:00"), lot)).toEqual({ from: at("09:45"), until: at("10:30") });
  });

  it.each([
    ["09:44", "deny", "too_early"],
    ["09:45", "open_barrier", undefined],
    ["10:30", "open_barrier", undefined],
    ["10:31", "deny", "expired"],
  ])("at %s: %s %s", (time, action, reason) => {
    const v = decideEntry([pass("1", "10:00", "12:00")], lot, at(time));
    expect(v.action).toBe(action);
    expect("reason" in v ? v.reason : undefined).toBe(reason);
  });

  it("says when a car that is too early may come in", () => {
    expect(decideEntry([pass("1", "10:00", "12:00")], lot, at("09:00"))).toMatchObject({
      reason: "too_early",
      opensAt: at("09:45"),
    });
  });
});

describe("a plate with several bookings", () => {
  const today = [pass("1", "08:00", "09:00"), pass("2", "14:00", "16:00"), pass("3", "11:00", "12:00")];

  it("opens for the booking whose window holds now", () => {
    expect(decideEntry(today, lot, at("10:50"))).toMatchObject({
      action: "open_barrier",
      pass: { reservation_id: "3" },
    });
  });

  it("names the next booking when between two", () => {
    expect(decideEntry(today, lot, at("12:30"))).toMatchObject({
      action: "deny",
      reason: "too_early",
      pass: { reservation_id: "2" },
    });
  });

  it("names the last booking when all have passed", () => {
    expect(decideEntry(today, lot, at("17:00"))).toMatchObject({ reason: "expired", pass: { reservation_id: "2" } });
  });
});

describe("anti-passback", () => {
  const inside = [pass("1", "10:00", "12:00", "checked_in")];

  it("refuses a car already inside", () => {
    expect(decideEntry(inside, lot, at("10:40"))).toMatchObject({ action: "deny", reason: "already_inside" });
  });

  it("lets it in again until the end when the lot allows re-entry", () => {
    const reentry = { ...lot, allowReentry: true };
    expect(decideEntry(inside, reentry, at("11:59"))).toMatchObject({ action: "open_barrier", reason: "reentry" });
    expect(decideEntry(inside, reentry, at("12:00"))).toMatchObject({ action: "deny", reason: "already_inside" });
  });
});

describe("which booking an exit is for", () => {
  it("prefers the car parked inside", () => {
    const passes = [pass("1", "10:00", "12:00"), pass("2", "09:00", "10:00", "checked_in")];
    expect(exitPass(passes, at("10:30"))?.reservation_id).toBe("2");
  });

  it("takes the booking nearest in time when no entry was read", () => {
    const passes = [pass("1", "08:00", "09:00"), pass("2", "14:00", "15:00")];
    expect(exitPass(passes, at("13:00"))?.reservation_id).toBe("2");
  });

  it("has none when nothing is booked", () => {
    expect(exitPass([], at("13:00"))).toBeNull();
  });
});
