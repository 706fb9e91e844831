import { describe, expect, it } from "vitest";
import { DEFAULT_RATE_PLAN, RatePlan } from "./rate-plan";
import { RATES } from "./test-helpers";

const band = (over: Record<string, unknown> = {}) => ({
  label: "Peak",
  days: [1, 2, 3, 4, 5],
  from: "07:00",
  to: "10:00",
  multiplier: 1.5,
  ...over,
});
const accepts = (over: Record<string, unknown>) => RatePlan.safeParse({ base_hourly: RATES, ...over }).success;

describe("RatePlan", () => {
  it("fills defaults for a plan that only has base rates", () => {
    expect(DEFAULT_RATE_PLAN(RATES)).toEqual({
      base_hourly: RATES,
      ev_surcharge_hourly: 0,
      bands: [],
      occupancy_steps: [],
      occupancy_cap_multiplier: 2,
      billing_increment_minutes: 15,
      minimum_charge: 0,
      daily_max: null,
    });
  });

  it("accepts wrapping bands and bands ending at 24:00", () => {
    expect(accepts({ bands: [band({ from: "22:00", to: "06:00" }), band({ from: "18:00", to: "24:00" })] })).toBe(true);
  });

  it("rejects malformed times, a band starting at 24:00 and a band of zero length", () => {
    expect(accepts({ bands: [band({ from: "7:00" })] })).toBe(false);
    expect(accepts({ bands: [band({ to: "10:60" })] })).toBe(false);
    expect(accepts({ bands: [band({ from: "24:00", to: "06:00" })] })).toBe(false);
    expect(accepts({ bands: [band({ from: "07:00", to: "07:00" })] })).toBe(false);
  });

  it("rejects weekdays outside 1–7 and repeated weekdays", () => {
    expect(accepts({ bands: [band({ days: [0, 1] })] })).toBe(false);
    expect(accepts({ bands: [band({ days: [8] })] })).toBe(false);
    expect(accepts({ bands: [band({ days: [1, 1] })] })).toBe(false);
    expect(accepts({ bands: [band({ days: [] })] })).toBe(false);
  });

  it("rejects multipliers that are not positive, above 10 or finer than four decimals", () => {
    expect(accepts({ bands: [band({ multiplier: 0 })] })).toBe(false);
    expect(accepts({ bands: [band({ multiplier: 10.5 })] })).toBe(false);
    expect(accepts({ bands: [band({ multiplier: 1.00001 })] })).toBe(false);
    expect(accepts({ bands: [band({ multiplier: 1.0001 })] })).toBe(true);
    expect(accepts({ occupancy_cap_multiplier: 11 })).toBe(false);
  });

  it("rejects billing increments outside 1–240 minutes and non-integer money", () => {
    expect(accepts({ billing_increment_minutes: 0 })).toBe(false);
    expect(accepts({ billing_increment_minutes: 241 })).toBe(false);
    expect(accepts({ minimum_charge: 9.5 })).toBe(false);
    expect(accepts({ daily_max: 0 })).toBe(false);
    expect(accepts({ base_hourly: { ...RATES, ev: -1 } })).toBe(false);
    expect(accepts({ base_hourly: { compact: 1, large: 1, ev: 1 } })).toBe(false);
  });

  it("rejects occupancy steps with the same threshold or a threshold of 100 or more", () => {
    const step = { above_percent: 80, multiplier: 1.2 };
    expect(accepts({ occupancy_steps: [step, { ...step, multiplier: 1.3 }] })).toBe(false);
    expect(accepts({ occupancy_steps: [{ above_percent: 100, multiplier: 2 }] })).toBe(false);
  });
});
