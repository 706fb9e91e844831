import type { SpotCounts, VehicleType } from "@/db/schema";

export const BILLING_INCREMENT_MINUTES = 15;

/**
 * Price of [start, end) at the lot's hourly rate for the vehicle type, billed in started
 * 15-minute increments, rounded to whole minor units.
 */
export function quoteAmount(rates: SpotCounts, type: VehicleType, start: Date, end: Date): number {
  const minutes = Math.max(0, (end.getTime() - start.getTime()) / 60_000);
  const billed = Math.ceil(minutes / BILLING_INCREMENT_MINUTES) * BILLING_INCREMENT_MINUTES;
  return Math.round((rates[type] * billed) / 60);
}
