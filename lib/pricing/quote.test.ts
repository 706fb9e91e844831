import { describe, expect, it, vi } from "vitest";
import type { SpotCounts, VehicleType } from "@/db/schema";
import { quote, quoteAmount } from "./quote";
import type { RatePlan } from "./rate-plan";
import { describeLines, plan, sumOf } from "./test-helpers";

const eurCents: SpotCounts = { compact: 350, large: 500, ev: 450, handicapped: 300 };
const yen: SpotCounts = { compact: 400, large: 600, ev: 500, handicapped: 333 };
const start = new Date("2030-06-01T10:00:00Z");
const after = (minutes: number) => new Date(start.getTime() + minutes * 60_000);

describe("quoteAmount", () => {
  it("charges the hourly rate of the vehicle type for whole hours", () => {
    expect(quoteAmount(eurCents, "compact", start, after(120))).toBe(700);
    expect(quoteAmount(eurCents, "large", start, after(60))).toBe(500);
  });

  it("bills every started 15 minutes", () => {
    expect(quoteAmount(yen, "compact", start, after(1))).toBe(100); // 15 min
    expect(quoteAmount(yen, "compact", start, after(15))).toBe(100);
    expect(quoteAmount(yen, "compact", start, after(16))).toBe(200); // 30 min
    expect(quoteAmount(yen, "compact", start, after(61))).toBe(500); // 75 min
  });

  it("bills a started increment even when only seconds of it are used", () => {
    expect(quoteAmount(yen, "compact", start, new Date(start.getTime() + 15 * 60_000 + 1000))).toBe(200);
  });

  it("rounds to whole minor units, which for JPY are whole yen", () => {
    // 333 yen/h for 15 minutes is 83.25 yen.
    expect(quoteAmount(yen, "handicapped", start, after(15))).toBe(83);
    // 350 cents/h for 15 minutes is 87.5 cents.
    expect(quoteAmount(eurCents, "compact", start, after(15))).toBe(88);
    expect(Number.isInteger(quoteAmount(yen, "handicapped", start, after(45)))).toBe(true);
  });

  it("charges nothing for an empty or reversed window", () => {
    expect(quoteAmount(yen, "compact", start, start)).toBe(0);
    expect(quoteAmount(yen, "compact", after(30), start)).toBe(0);
  });

  it("prices a multi-day booking linearly", () => {
    expect(quoteAmount(yen, "ev", start, after(3 * 24 * 60))).toBe(500 * 72);
  });
});

// The rate-plan engine behind quoteAmount. Lines are checked on the lot's clocks.
const AMS = "Europe/Amsterdam";
const wed = (hhmm: string) => new Date(`2025-06-11T${hhmm}:00+02:00`);
const stay = (p: RatePlan, minutes: number, vehicleType: VehicleType = "compact", timeZone = AMS) =>
  quote(p, { vehicleType, start: wed("09:00"), end: new Date(wed("09:00").getTime() + minutes * 60_000), timeZone });

describe("quote", () => {
  it("bills every started increment: 61 minutes in 15-minute increments bills 75", () => {
    const q = stay(plan(), 61);
    expect(q.line_items).toEqual([
      {
        from: "2025-06-11T07:00:00.000Z",
        to: "2025-06-11T08:15:00.000Z",
        rate: 400,
        amount: 500,
        reason: "Standard rate",
      },
    ]);
    expect(q.total).toBe(500);
  });

  it("uses the plan's billing increment", () => {
    expect(stay(plan({ billing_increment_minutes: 60 }), 61).total).toBe(800);
    expect(stay(plan({ billing_increment_minutes: 1 }), 61).total).toBe(407); // 406.67 rounded half up
  });

  it("rounds each line half up to whole yen for JPY, without float artefacts", () => {
    const yen = plan({ base_hourly: { compact: 350, large: 333, ev: 300, handicapped: 300 } });
    expect(stay(yen, 15, "compact").total).toBe(88); // 87.5
    expect(stay(yen, 15, "large").total).toBe(83); // 83.25
    // 300 × 1.15 is 344.99999999999994 in floating point; the rate must still be exactly 345.
    const band = { label: "Busy", days: [3], from: "00:00", to: "24:00", multiplier: 1.15 };
    const q = stay(plan({ base_hourly: { compact: 300, large: 300, ev: 300, handicapped: 300 }, bands: [band] }), 120);
    expect(q.line_items[0].rate).toBe(345);
    expect(q.total).toBe(690);
  });

  it("adds the EV charging surcharge as its own line, unscaled by band multipliers", () => {
    const peak = { label: "Weekday peak", days: [3], from: "09:00", to: "10:00", multiplier: 1.5 };
    const p = plan({ ev_surcharge_hourly: 100, bands: [peak] });
    const q = stay(p, 120, "ev");
    expect(describeLines(q, AMS)).toEqual([
      "2025-06-11 09:00–10:00 Weekday peak ×1.5 750",
      "2025-06-11 10:00–11:00 Standard rate 500",
      "2025-06-11 09:00–11:00 EV charging surcharge 200",
    ]);
    expect(q.total).toBe(1450);
    expect(stay(p, 120, "compact").line_items.some((i) => i.reason === "EV charging surcharge")).toBe(false);
  });

  it("tops a short stay up to the minimum charge with an adjustment line", () => {
    const q = stay(plan({ minimum_charge: 500 }), 10);
    expect(describeLines(q, AMS)).toEqual([
      "2025-06-11 09:00–09:15 Standard rate 100",
      "2025-06-11 09:00–09:15 Minimum charge 400",
    ]);
    expect(q.total).toBe(500);
    expect(q.line_items[1].rate).toBeNull();
    expect(stay(plan({ minimum_charge: 500 }), 120).total).toBe(800);
  });

  it("charges only the minimum charge for a zero-length stay", () => {
    expect(stay(plan(), 0)).toEqual({ total: 0, line_items: [] });
    expect(stay(plan({ minimum_charge: 250 }), 0).total).toBe(250);
  });

  it("makes the total the exact sum of whole-unit line items across zones, bands and caps", () => {
    const bands = [
      { label: "Peak", days: [1, 2, 3, 4, 5], from: "07:15", to: "09:45", multiplier: 1.37 },
      { label: "Night", days: [1, 2, 3, 4, 5, 6, 7], from: "21:30", to: "05:10", multiplier: 0.63 },
    ];
    const p = plan({
      bands,
      ev_surcharge_hourly: 37,
      daily_max: 7777,
      minimum_charge: 333,
      billing_increment_minutes: 7,
    });
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (const timeZone of ["Europe/Amsterdam", "America/Los_Angeles", "Asia/Tokyo", "Australia/Lord_Howe"]) {
      for (let n = 0; n < 40; n++) {
        const start = new Date(Date.UTC(2025, 0, 1) + (next() % (365 * 24 * 60)) * 60_000 + (next() % 60_000));
        const end = new Date(start.getTime() + (next() % (4 * 24 * 60)) * 60_000);
        const q = quote(p, { vehicleType: "ev", start, end, timeZone, occupancy: (next() % 101) / 100 });
        expect(q.total).toBe(sumOf(q));
        expect(q.line_items.every((i) => Number.isInteger(i.amount))).toBe(true);
        expect(q.total).toBeGreaterThanOrEqual(333);
      }
    }
  });

  it("gives the same answer whatever the current time is", () => {
    const p = plan({ bands: [{ label: "Peak", days: [3], from: "09:30", to: "10:00", multiplier: 2 }] });
    vi.useFakeTimers();
    try {
      vi.setSystemTime(new Date("2020-01-01T00:00:00Z"));
      const first = stay(p, 90);
      vi.setSystemTime(new Date("2031-07-15T12:00:00Z"));
      expect(stay(p, 90)).toEqual(first);
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects an end before the start, an unknown zone and an occupancy outside 0–1", () => {
    expect(() => stay(plan(), -15)).toThrow(RangeError);
    expect(() => stay(plan(), 60, "compact", "Mars/Olympus_Mons")).toThrow(RangeError);
    expect(() =>
      quote(plan(), { vehicleType: "compact", start: wed("09:00"), end: wed("10:00"), timeZone: AMS, occupancy: 1.2 }),
    ).toThrow(RangeError);
    expect(() => stay(plan(), 367 * 24 * 60)).toThrow(RangeError);
  });
});
