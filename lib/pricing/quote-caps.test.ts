import { describe, expect, it } from "vitest";
import { quote } from "./quote";
import { describeLines, plan, sumOf } from "./test-helpers";

// Monday 2025-06-09 in Amsterdam (UTC+2); compact is 400 per hour in the test plan.
const AMS = "Europe/Amsterdam";
const mon = (hhmm: string) => new Date(`2025-06-09T${hhmm}:00+02:00`);
const hoursLater = (d: Date, h: number) => new Date(d.getTime() + h * 3_600_000);

describe("daily maximum", () => {
  it("caps each 24 hours from the start of a multi-day stay with a negative adjustment line", () => {
    const start = mon("09:00");
    const q = quote(plan({ daily_max: 3000 }), {
      vehicleType: "compact",
      start,
      end: hoursLater(start, 54),
      timeZone: AMS,
    });
    expect(describeLines(q, AMS)).toEqual([
      "2025-06-09 09:00–00:00 Standard rate 6000",
      "2025-06-10 00:00–09:00 Standard rate 3600",
      "2025-06-09 09:00–09:00 Daily maximum -6600",
      "2025-06-10 09:00–00:00 Standard rate 6000",
      "2025-06-11 00:00–09:00 Standard rate 3600",
      "2025-06-10 09:00–09:00 Daily maximum -6600",
      "2025-06-11 09:00–15:00 Standard rate 2400", // 6 h cost less than the cap: no adjustment
    ]);
    expect(q.total).toBe(3000 + 3000 + 2400);
    expect(sumOf(q)).toBe(q.total);
  });

  it("leaves days under the cap untouched", () => {
    const start = mon("09:00");
    const q = quote(plan({ daily_max: 3000 }), {
      vehicleType: "compact",
      start,
      end: hoursLater(start, 7),
      timeZone: AMS,
    });
    expect(q.total).toBe(2800);
    expect(q.line_items.some((i) => i.reason === "Daily maximum")).toBe(false);
  });

  it("counts the EV surcharge towards the daily maximum", () => {
    const start = mon("09:00");
    const p = plan({ daily_max: 10_000, ev_surcharge_hourly: 100 });
    const q = quote(p, { vehicleType: "ev", start, end: hoursLater(start, 24), timeZone: AMS });
    // 24 h × (500 + 100) = 14,400 → capped at 10,000.
    expect(q.line_items.find((i) => i.reason === "EV charging surcharge")!.amount).toBe(2400);
    expect(q.line_items.find((i) => i.reason === "Daily maximum")!.amount).toBe(-4400);
    expect(q.total).toBe(10_000);
  });

  it("applies the minimum charge after the daily maximum", () => {
    const start = mon("09:00");
    const q = quote(plan({ daily_max: 300, minimum_charge: 500 }), {
      vehicleType: "compact",
      start,
      end: hoursLater(start, 2),
      timeZone: AMS,
    });
    expect(q.line_items.map((i) => [i.reason, i.amount])).toEqual([
      ["Standard rate", 800],
      ["Daily maximum", -500],
      ["Minimum charge", 200],
    ]);
    expect(q.total).toBe(500);
  });
});

describe("occupancy pricing", () => {
  const steps = plan({
    occupancy_steps: [
      { above_percent: 90, multiplier: 1.5 },
      { above_percent: 80, multiplier: 1.2 },
    ],
    occupancy_cap_multiplier: 1.4,
  });
  const at = (occupancy: number | undefined, p = steps) =>
    quote(p, { vehicleType: "compact", start: mon("12:00"), end: mon("13:00"), timeZone: AMS, occupancy });

  it("applies the step for the highest threshold the occupancy is above and names it", () => {
    const q = at(0.85);
    expect(q.line_items[0]).toMatchObject({ rate: 480, amount: 480, reason: "Standard rate, Occupancy 85% ×1.2" });
  });

  it("does not apply a step when occupancy only equals its threshold, or is not given", () => {
    expect(at(0.8).total).toBe(400);
    expect(at(0.5).line_items[0].reason).toBe("Standard rate");
    expect(at(undefined).total).toBe(400);
  });

  it("caps the occupancy multiplier", () => {
    expect(at(0.95).line_items[0]).toMatchObject({ rate: 560, reason: "Standard rate, Occupancy 95% ×1.4" });
    expect(at(1).total).toBe(560);
  });

  it("multiplies with the band multiplier", () => {
    const peak = { label: "Weekday peak", days: [1], from: "12:00", to: "13:00", multiplier: 1.5 };
    const q = at(0.85, { ...steps, bands: plan({ bands: [peak] }).bands });
    expect(q.line_items[0]).toMatchObject({ rate: 720, amount: 720, reason: "Weekday peak ×1.5, Occupancy 85% ×1.2" });
  });
});
