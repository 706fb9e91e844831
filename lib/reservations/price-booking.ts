import type { DbOrTx } from "@/db/client";
import type { FreeSpotCount } from "@/db/queries/reservations";
import { freeSpots } from "@/lib/availability/free-spots";
import type { Lot, Reservation, VehicleType } from "@/db/schema";
import { quote, type Quote } from "@/lib/pricing/quote";
import { RatePlan } from "@/lib/pricing/rate-plan";

/** Plans are validated on write; parsing again fills defaults a plan stored by an older version lacks. */
// Parsed once per stored version of a lot's plan (the jsonb text), not per quote: a zod parse of a
// plan with bands costs more than the rest of a quote.
const parsedPlans = new Map<string, RatePlan>();
export function lotRatePlan(lot: Lot): RatePlan {
  const key = `${lot.id}:${JSON.stringify(lot.ratePlan)}`;
  let plan = parsedPlans.get(key);
  if (!plan) {
    if (parsedPlans.size > 5_000) parsedPlans.clear();
    plan = RatePlan.parse(lot.ratePlan);
    parsedPlans.set(key, plan);
  }
  return plan;
}

/** The plan and occupancy a reservation was booked at (older rows: the lot's current plan). */
export function bookedPlan(r: Pick<Reservation, "pricing">, lot: Lot): { plan: RatePlan; occupancy: number } {
  const snap = r.pricing as Partial<PricingSnapshot> | null;
  if (snap?.plan) return { plan: RatePlan.parse(snap.plan), occupancy: snap.occupancy ?? 0 };
  return { plan: lotRatePlan(lot), occupancy: 0 };
}

/**
 * What the reservation keeps of its price: enough to re-price used time with the same plan later.
 * `occupancy` is absent when the plan has no occupancy steps: it cannot change the price then, and
 * a booking does not measure it (see priceNewBooking).
 */
export type PricingSnapshot = { plan: RatePlan; occupancy?: number; time_zone: string; quote: Quote };

/**
 * Prices a window for a lot: the plan in force now and the occupancy of that vehicle type for the
 * window (share of active spots already booked), which drives the plan's occupancy steps.
 */
export async function priceBooking(
  db: DbOrTx,
  lot: Lot,
  vehicleType: VehicleType,
  start: Date,
  end: Date,
): Promise<PricingSnapshot & { occupancy: number }> {
  return priceWithCounts(lot, vehicleType, start, end, await freeSpots(db, lot.id, start, end));
}

/**
 * The same for a new booking, which reads the occupancy only when the plan prices by it: counting
 * a busy lot's overlapping reservations is the costliest query of a booking, and a plan without
 * occupancy steps (every lot created with hourly rates only) would not use the answer.
 */
export async function priceNewBooking(
  db: DbOrTx,
  lot: Lot,
  vehicleType: VehicleType,
  start: Date,
  end: Date,
): Promise<PricingSnapshot> {
  const plan = lotRatePlan(lot);
  if (plan.occupancy_steps.length) return priceBooking(db, lot, vehicleType, start, end);
  return { plan, time_zone: lot.timeZone, quote: quote(plan, { vehicleType, start, end, timeZone: lot.timeZone }) };
}

/** The same, from counts already read (the availability page prices every type from one query). */
export function priceWithCounts(
  lot: Lot,
  vehicleType: VehicleType,
  start: Date,
  end: Date,
  counts: FreeSpotCount[],
): PricingSnapshot & { occupancy: number } {
  const row = counts.find((c) => c.vehicleType === vehicleType);
  const occupancy = row && row.total > 0 ? (row.total - row.free) / row.total : 0;
  const plan = lotRatePlan(lot);
  return {
    plan,
    occupancy,
    time_zone: lot.timeZone,
    quote: quote(plan, { vehicleType, start, end, timeZone: lot.timeZone, occupancy }),
  };
}
