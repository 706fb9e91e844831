import type { SpotCounts, VehicleType } from "@/db/schema";
import { DAY_MS, MINUTE_MS } from "./local-time";
import { DEFAULT_RATE_PLAN, type RatePlan } from "./rate-plan";
import { amountFor, displayRate, rateHundredths } from "./rounding";
import { splitStay } from "./split-stay";

export type LineItem = {
  /** UTC ISO instants, like every time on the wire; render them in the lot's zone. */
  from: string;
  to: string;
  /**
   * Minor units per hour after multipliers, to two decimals; the amount is rate × hours rounded
   * half up to a whole minor unit. null on adjustments (daily maximum, minimum charge).
   */
  rate: number | null;
  amount: number;
  reason: string;
};

export type Quote = { total: number; line_items: LineItem[] };

export type QuoteRequest = {
  vehicleType: VehicleType;
  start: Date;
  end: Date;
  /** The lot's IANA zone: bands and local days are read on its clocks. */
  timeZone: string;
  /** Share (0–1) of the lot's spots of this type already booked for the window. */
  occupancy?: number;
};

/** The longest stay a lot accepts (max_reservation_minutes); longer input is a caller bug, not a price. */
const MAX_STAY_MS = 366 * DAY_MS;

const iso = (t: number) => new Date(t).toISOString();
const sum = (items: readonly LineItem[]) => items.reduce((s, i) => s + i.amount, 0);

/**
 * Prices a stay under a rate plan (parsed with the RatePlan schema). The stay is billed in started
 * increments from the start, cut at band edges and local midnights, each piece priced at
 * base × band multiplier × occupancy multiplier. EV spots add a flat surcharge per hour that no
 * multiplier scales (it pays for energy, not for demand). The daily maximum caps everything billed in
 * each 24 elapsed hours from the start, surcharge included, so a driver never pays more than it per
 * day; the minimum charge then tops up the whole stay. Both appear as adjustment lines, and
 * total is always the exact sum of the line items.
 */
export function quote(plan: RatePlan, request: QuoteRequest): Quote {
  const start = request.start.getTime();
  const end = request.end.getTime();
  if (!(start <= end)) throw new RangeError("A quote needs a start at or before its end");
  if (end - start > MAX_STAY_MS) throw new RangeError("A quote covers at most 366 days");
  const increment = plan.billing_increment_minutes * MINUTE_MS;
  const billedEnd = start + Math.ceil((end - start) / increment) * increment;

  const occupancy = occupancyPricing(plan, request.occupancy);
  const base = plan.base_hourly[request.vehicleType];
  const evRate = request.vehicleType === "ev" ? plan.ev_surcharge_hourly : 0;
  const capped = plan.daily_max !== null;
  const pieces = splitStay(plan.bands, request.timeZone, start, billedEnd, capped);

  const items: LineItem[] = [];
  const windows = pieces.length === 0 ? 0 : pieces[pieces.length - 1].window + 1;
  for (let w = 0; w < windows; w++) {
    const windowFrom = capped ? start + w * DAY_MS : start;
    const windowTo = capped ? Math.min(windowFrom + DAY_MS, billedEnd) : billedEnd;
    const lines: LineItem[] = [];
    for (const piece of pieces.filter((p) => p.window === w)) {
      const band = piece.band >= 0 ? plan.bands[piece.band] : null;
      const rate = rateHundredths(base, [band?.multiplier ?? 1, occupancy?.multiplier ?? 1]);
      const reasons = [band ? `${band.label} ×${band.multiplier}` : "Standard rate"];
      if (occupancy) reasons.push(occupancy.reason);
      lines.push({
        from: iso(piece.from),
        to: iso(piece.to),
        rate: displayRate(rate),
        amount: amountFor(rate, piece.to - piece.from),
        reason: reasons.join(", "),
      });
    }
    if (evRate > 0) {
      const rate = rateHundredths(evRate, []);
      lines.push({
        from: iso(windowFrom),
        to: iso(windowTo),
        rate: displayRate(rate),
        amount: amountFor(rate, windowTo - windowFrom),
        reason: "EV charging surcharge",
      });
    }
    const windowTotal = sum(lines);
    if (plan.daily_max !== null && windowTotal > plan.daily_max) {
      lines.push({
        from: iso(windowFrom),
        to: iso(windowTo),
        rate: null,
        amount: plan.daily_max - windowTotal,
        reason: "Daily maximum",
      });
    }
    items.push(...lines);
  }

  const subtotal = sum(items);
  if (subtotal < plan.minimum_charge) {
    items.push({
      from: iso(start),
      to: iso(billedEnd),
      rate: null,
      amount: plan.minimum_charge - subtotal,
      reason: "Minimum charge",
    });
  }
  return { total: sum(items), line_items: items };
}

/**
 * The occupancy step with the highest threshold strictly below the occupancy, capped by
 * occupancy_cap_multiplier; null when none applies (or it would not change the price).
 */
function occupancyPricing(plan: RatePlan, occupancy: number | undefined) {
  if (occupancy === undefined) return null;
  if (!(occupancy >= 0 && occupancy <= 1)) throw new RangeError("occupancy is a share between 0 and 1");
  // Rounded so 0.07 × 100 = 7.000000000000001 does not count as "above 7".
  const percent = Math.round(occupancy * 1e8) / 1e6;
  let step: RatePlan["occupancy_steps"][number] | undefined;
  for (const s of plan.occupancy_steps) {
    if (percent > s.above_percent && (!step || s.above_percent > step.above_percent)) step = s;
  }
  if (!step) return null;
  const multiplier = Math.min(step.multiplier, plan.occupancy_cap_multiplier);
  if (multiplier === 1) return null;
  return { multiplier, reason: `Occupancy ${Math.round(percent)}% ×${multiplier}` };
}

/** Billing increment of the flat plan behind quoteAmount. */
export const BILLING_INCREMENT_MINUTES = 15;

/**
 * The pre-rate-plan price: the lot's flat hourly rates in 15-minute increments, now computed by the
 * engine with DEFAULT_RATE_PLAN. Callers pass no zone, and a flat plan only needs one to cut line
 * items at midnight, so UTC is used; each piece rounds on its own, which can move a multi-day
 * total by a minor unit per midnight compared with the old single rounding.
 */
export function quoteAmount(rates: SpotCounts, type: VehicleType, start: Date, end: Date): number {
  if (end.getTime() <= start.getTime()) return 0; // the old behaviour callers rely on
  return quote(DEFAULT_RATE_PLAN(rates), { vehicleType: type, start, end, timeZone: "UTC" }).total;
}
