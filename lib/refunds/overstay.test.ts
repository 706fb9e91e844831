import { describe, expect, it } from "vitest";
import { describeLines, plan } from "@/lib/pricing/test-helpers";
import { overstayCharge } from "./overstay";

// Booked until 18:00 on a Wednesday in Amsterdam (UTC+2); compact is 400 per hour.
const AMS = "Europe/Amsterdam";
const end = new Date("2025-06-11T18:00:00+02:00");
const minutesLater = (m: number) => new Date(end.getTime() + m * 60_000);
const booking = { plan: plan(), vehicleType: "compact" as const, timeZone: AMS, end };

describe("overstayCharge", () => {
  it("charges nothing within the default 10-minute tolerance", () => {
    expect(overstayCharge({ ...booking, actualEnd: minutesLater(10) })).toEqual({ amount: 0, line_items: [] });
    expect(overstayCharge({ ...booking, actualEnd: minutesLater(-30) }).amount).toBe(0);
  });

  it("bills the whole overstay from the booked end once past the tolerance", () => {
    const charge = overstayCharge({ ...booking, actualEnd: minutesLater(11) });
    expect(describeLines({ total: charge.amount, line_items: charge.line_items }, AMS)).toEqual([
      "2025-06-11 18:00–18:15 Standard rate 100",
    ]);
    expect(charge.amount).toBe(100);
  });

  it("honours a custom tolerance", () => {
    expect(overstayCharge({ ...booking, actualEnd: minutesLater(1), toleranceMinutes: 0 }).amount).toBe(100);
    expect(overstayCharge({ ...booking, actualEnd: minutesLater(25), toleranceMinutes: 30 }).amount).toBe(0);
  });

  it("prices the overstay with the plan's bands and increments", () => {
    const evening = { label: "Evening", days: [3], from: "18:30", to: "24:00", multiplier: 2 };
    const charge = overstayCharge({ ...booking, plan: plan({ bands: [evening] }), actualEnd: minutesLater(50) });
    expect(charge.line_items.map((i) => [i.reason, i.amount])).toEqual([
      ["Standard rate", 200],
      ["Evening ×2", 400], // 18:30–19:00 billed as the started increment up to 19:00
    ]);
    expect(charge.amount).toBe(600);
  });

  it("does not add the minimum charge to an overstay", () => {
    expect(
      overstayCharge({ ...booking, plan: plan({ minimum_charge: 1000 }), actualEnd: minutesLater(15) }).amount,
    ).toBe(100);
  });

  it("never charges more than the daily maximum per started day of overstay", () => {
    const capped = { ...booking, plan: plan({ daily_max: 3000 }) };
    expect(overstayCharge({ ...capped, actualEnd: minutesLater(30 * 60) }).amount).toBe(3000 + 6 * 400);
    expect(overstayCharge({ ...capped, actualEnd: minutesLater(47 * 60) }).amount).toBe(6000);
  });

  it("keeps to one daily maximum when the last increment spills past 24 hours the car did not stay", () => {
    // 1,439 minutes in 7-minute increments bills 1,442: quote would start a second day for 2 minutes.
    const odd = { ...booking, plan: plan({ daily_max: 3000, billing_increment_minutes: 7 }) };
    const charge = overstayCharge({ ...odd, actualEnd: minutesLater(1439) });
    expect(charge.amount).toBe(3000);
    expect(charge.line_items.reduce((s, i) => s + i.amount, 0)).toBe(3000);
  });
});
