import { describe, expect, it } from "vitest";
import { plan } from "@/lib/pricing/test-helpers";
import { DEFAULT_OVERSTAY_CAP_HOURS, overstayCharge, overstayDailyCap } from "./overstay";
import { boundReplayMoney } from "./replay-bound";

const end = new Date("2025-06-11T18:00:00+02:00");
const daysLater = (d: number) => new Date(end.getTime() + d * 86_400_000);
const booking = { vehicleType: "compact" as const, timeZone: "Europe/Amsterdam", end };

describe("the overstay cap of a lot without a daily maximum", () => {
  it("is a sane default per started day (10 hours at the base rate), not 24 hours of parking", () => {
    expect(DEFAULT_OVERSTAY_CAP_HOURS).toBe(10);
    expect(overstayDailyCap(plan(), "compact")).toBe(4000);
    expect(overstayDailyCap(plan({ ev_surcharge_hourly: 100 }), "ev")).toBe(6000);
    expect(overstayDailyCap(plan({ daily_max: 2500 }), "compact")).toBe(2500);
    // A car left for three days owes three capped days, not 72 hours at 4.00.
    expect(overstayCharge({ ...booking, plan: plan(), actualEnd: daysLater(3) }).amount).toBe(3 * 4000);
  });

  it("uses the cap shown at booking when one is given", () => {
    expect(overstayCharge({ ...booking, plan: plan(), actualEnd: daysLater(1), dailyCap: 1000 }).amount).toBe(1000);
  });
});

describe("a replayed exit", () => {
  const money = (at: Date) => ({
    refund: Math.max(0, Math.floor((end.getTime() - at.getTime()) / 60_000) * 10),
    charge: Math.max(0, Math.floor((at.getTime() - end.getTime()) / 60_000)),
  });

  it("never refunds more than a live read at its arrival would have", () => {
    const occurred = new Date(end.getTime() - 50 * 60_000);
    const arrival = new Date(end.getTime() - 10 * 60_000);
    expect(boundReplayMoney(money, occurred, arrival)).toEqual({ refund: money(arrival).refund, charge: 0 });
  });

  it("never charges more than a live read at its arrival would have", () => {
    const occurred = new Date(end.getTime() + 90 * 60_000);
    const arrival = new Date(end.getTime() + 30 * 60_000);
    expect(boundReplayMoney(money, occurred, arrival)).toEqual({ refund: 0, charge: 30 });
  });

  it("moves what the replay says when that is within the live read's reach", () => {
    const occurred = new Date(end.getTime() + 20 * 60_000);
    const arrival = new Date(end.getTime() + 60 * 60_000);
    expect(boundReplayMoney(money, occurred, arrival)).toEqual(money(occurred));
  });
});
