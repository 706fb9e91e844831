import type { VehicleType } from "@/db/schema";
import { quote } from "@/lib/pricing/quote";
import type { RatePlan } from "@/lib/pricing/rate-plan";

export type EarlyDepartureInput = {
  plan: RatePlan;
  vehicleType: VehicleType;
  timeZone: string;
  /** The occupancy the booking was priced at, so the used time costs what it cost then. */
  occupancy?: number;
  start: Date;
  end: Date;
  /** What the driver actually paid for the booking, in minor units. */
  paidAmount: number;
  /** When the car left. */
  actualEnd: Date;
};

/**
 * What a driver who leaves before the booked end gets back: what they paid minus the price of the
 * time they used, priced by the same engine as the booking (bands, started billing increments,
 * daily maximum, and at least the minimum charge). Pricing the used time afresh, rather than
 * prorating the paid amount, keeps a peak-hour stay from being refunded at off-peak value.
 * The result is clamped to [0, paid]: a discount on the booking can make the used time cost more
 * than was paid, and that is never turned into a charge here.
 */
export function earlyDepartureRefund(input: EarlyDepartureInput): number {
  const { start, end, actualEnd, paidAmount } = input;
  if (actualEnd.getTime() >= end.getTime() || paidAmount <= 0) return 0;
  // A car that left before the start used no time, but the minimum charge still applies.
  const usedEnd = actualEnd.getTime() > start.getTime() ? actualEnd : start;
  const used = quote(input.plan, {
    vehicleType: input.vehicleType,
    timeZone: input.timeZone,
    occupancy: input.occupancy,
    start,
    end: usedEnd,
  }).total;
  return Math.min(paidAmount, Math.max(0, paidAmount - used));
}
