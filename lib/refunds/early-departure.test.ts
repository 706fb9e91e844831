import { describe, expect, it } from "vitest";
import { plan } from "@/lib/pricing/test-helpers";
import { earlyDepartureRefund } from "./early-departure";

// A Wednesday in Amsterdam (UTC+2); compact is 400 per hour, 4 hours booked and paid 1600.
const at = (hhmm: string) => new Date(`2025-06-11T${hhmm}:00+02:00`);
const booking = {
  plan: plan(),
  vehicleType: "compact" as const,
  timeZone: "Europe/Amsterdam",
  start: at("09:00"),
  end: at("13:00"),
  paidAmount: 1600,
};

describe("earlyDepartureRefund", () => {
  it("refunds what was paid minus the price of the time used", () => {
    expect(earlyDepartureRefund({ ...booking, actualEnd: at("10:30") })).toBe(1000);
  });

  it("bills the time used in started increments: leaving after 61 minutes pays for 75", () => {
    expect(earlyDepartureRefund({ ...booking, actualEnd: at("10:01") })).toBe(1100);
  });

  it("prices the time used with the booking's bands, so peak hours are not refunded at the average", () => {
    const peak = { label: "Peak", days: [3], from: "09:00", to: "10:00", multiplier: 2 };
    const withPeak = { ...booking, plan: plan({ bands: [peak] }), paidAmount: 2000 };
    expect(earlyDepartureRefund({ ...withPeak, actualEnd: at("10:00") })).toBe(1200);
  });

  it("never refunds below the minimum charge", () => {
    const withMinimum = { ...booking, plan: plan({ minimum_charge: 1000 }) };
    expect(earlyDepartureRefund({ ...withMinimum, actualEnd: at("09:10") })).toBe(600);
    // Never arrived: the minimum charge is still kept.
    expect(earlyDepartureRefund({ ...withMinimum, actualEnd: at("08:00") })).toBe(600);
  });

  it("refunds everything paid when the car left before the start and there is no minimum", () => {
    expect(earlyDepartureRefund({ ...booking, actualEnd: at("08:00") })).toBe(1600);
  });

  it("is never negative, even when the time used costs more than was paid", () => {
    expect(earlyDepartureRefund({ ...booking, paidAmount: 500, actualEnd: at("12:00") })).toBe(0);
    expect(earlyDepartureRefund({ ...booking, paidAmount: 0, actualEnd: at("10:00") })).toBe(0);
  });

  it("refunds nothing when the car left at or after the booked end", () => {
    expect(earlyDepartureRefund({ ...booking, actualEnd: at("13:00") })).toBe(0);
    expect(earlyDepartureRefund({ ...booking, actualEnd: at("14:00") })).toBe(0);
  });
});
