import type { VehicleType } from "@/db/schema";
import { DAY_MS, MINUTE_MS } from "@/lib/pricing/local-time";
import { type LineItem, quote } from "@/lib/pricing/quote";
import type { RatePlan } from "@/lib/pricing/rate-plan";

export type OverstayInput = {
  plan: RatePlan;
  vehicleType: VehicleType;
  timeZone: string;
  /** The booked end. */
  end: Date;
  /** When the car actually left. */
  actualEnd: Date;
  /** Minutes past the end that are forgiven (queue at the barrier, payment terminal). */
  toleranceMinutes?: number;
  /** Most charged per started day of overstay, as shown at booking; defaults to overstayDailyCap. */
  dailyCap?: number;
};

/** Hours of the base rate a day of overstay costs at most on a lot without a daily maximum. */
export const DEFAULT_OVERSTAY_CAP_HOURS = 10;

/**
 * The most a started day of overstay costs: the plan's daily maximum, or, for a plan without one,
 * DEFAULT_OVERSTAY_CAP_HOURS at the vehicle type's base rate — an abandoned car must not run up
 * 24 hours a day at peak prices. Shown to the driver at booking (reservations.policy).
 */
export function overstayDailyCap(plan: RatePlan, vehicleType: VehicleType): number {
  if (plan.daily_max !== null) return plan.daily_max;
  const hourly = plan.base_hourly[vehicleType] + (vehicleType === "ev" ? plan.ev_surcharge_hourly : 0);
  return DEFAULT_OVERSTAY_CAP_HOURS * hourly;
}

export type OverstayCharge = { amount: number; line_items: LineItem[] };

const NONE: OverstayCharge = { amount: 0, line_items: [] };

/**
 * What a driver owes for staying past the booked end. Within the tolerance it is nothing; beyond it,
 * the whole time from the booked end is billed (the tolerance is a grace, not a deductible) at the
 * plan's rate with its bands and billing increments. Occupancy pricing does not apply (the overstay
 * was never booked against demand) and neither does the minimum charge (the booking already paid it).
 * The total never exceeds the daily cap (overstayDailyCap) per started day of overstay.
 */
export function overstayCharge(input: OverstayInput): OverstayCharge {
  const tolerance = input.toleranceMinutes ?? 10;
  if (!(tolerance >= 0)) throw new RangeError("toleranceMinutes must be zero or more");
  const overMs = input.actualEnd.getTime() - input.end.getTime();
  if (overMs <= tolerance * MINUTE_MS) return NONE;

  const priced = quote(
    { ...input.plan, minimum_charge: 0 },
    { vehicleType: input.vehicleType, timeZone: input.timeZone, start: input.end, end: input.actualEnd },
  );
  const lineItems = [...priced.line_items];
  let amount = priced.total;
  // quote caps each 24 h of *billed* time; when a billing increment spills past a day boundary the
  // actual overstay did not cross, that would start an extra day, so cap by started days of the stay.
  {
    const cap = (input.dailyCap ?? overstayDailyCap(input.plan, input.vehicleType)) * Math.ceil(overMs / DAY_MS);
    if (amount > cap) {
      lineItems.push({
        from: input.end.toISOString(),
        to: input.actualEnd.toISOString(),
        rate: null,
        amount: cap - amount,
        reason: "Daily maximum",
      });
      amount = cap;
    }
  }
  return { amount, line_items: lineItems };
}
