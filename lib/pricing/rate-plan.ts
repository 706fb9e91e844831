import { z } from "zod";
import type { VehicleType } from "@/db/schema";

// A lot's price list, stored as JSON and exposed as-is by the API (hence snake_case). Every amount
// is in minor units of the lot's currency (cents, or whole yen for JPY); every time of day is
// wall-clock time in the lot's IANA time zone.

const MAX_MINOR_PER_HOUR = 10_000_000;

/**
 * Multipliers are limited to four decimals so the engine can turn them into exact integers
 * (ten-thousandths) and never round a float like 1.15 × 300 = 344.99999999999994 the wrong way.
 */
const Multiplier = z
  .number()
  .positive()
  .max(10)
  .refine((m) => Math.abs(m * 10_000 - Math.round(m * 10_000)) < 1e-6, {
    message: "At most four decimals",
  })
  .describe("Greater than 0, at most 10, with at most four decimals");

const MinorPerHour = z.number().int().min(0).max(MAX_MINOR_PER_HOUR);
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 00:00–23:59");

const BaseHourly = z.object({
  compact: MinorPerHour,
  large: MinorPerHour,
  ev: MinorPerHour,
  handicapped: MinorPerHour,
} satisfies Record<VehicleType, typeof MinorPerHour>);

const Band = z
  .object({
    label: z.string().trim().min(1).max(60).describe('Shown on the receipt, e.g. "Weekday peak"'),
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .refine((d) => new Set(d).size === d.length, { message: "Days must be unique" })
      .describe("ISO weekdays, Monday = 1 … Sunday = 7; a band that wraps midnight belongs to the day it starts on"),
    from: TimeOfDay,
    to: z
      .union([TimeOfDay, z.literal("24:00")])
      .describe('"24:00" is the end of the day; to < from wraps past midnight'),
    multiplier: Multiplier,
  })
  .refine((b) => b.from !== b.to, {
    message: "from and to must differ (use 00:00–24:00 for a whole day)",
    path: ["to"],
  });

const OccupancyStep = z.object({
  above_percent: z.number().min(0).max(99.99).describe("Applies when strictly more than this share is booked"),
  multiplier: Multiplier,
});

export const RatePlan = z.object({
  base_hourly: BaseHourly,
  ev_surcharge_hourly: MinorPerHour.default(0).describe("Added per hour for EV spots; not scaled by multipliers"),
  bands: z
    .array(Band)
    .max(50)
    .default([])
    .describe("Where bands overlap the highest multiplier wins; on a tie, the first listed"),
  occupancy_steps: z
    .array(OccupancyStep)
    .max(20)
    .default([])
    .refine((s) => new Set(s.map((x) => x.above_percent)).size === s.length, {
      message: "Thresholds must be unique",
    })
    .describe("The step with the highest threshold below the occupancy applies"),
  occupancy_cap_multiplier: Multiplier.default(2).describe("Upper bound on the occupancy multiplier"),
  billing_increment_minutes: z.number().int().min(1).max(240).default(15),
  minimum_charge: z.number().int().min(0).max(MAX_MINOR_PER_HOUR).default(0),
  daily_max: z
    .number()
    .int()
    .positive()
    .max(24 * MAX_MINOR_PER_HOUR)
    .nullable()
    .default(null)
    .describe("Most charged per 24 hours counted from the start; null for no cap"),
});
// Not registered for OpenAPI here: the server's instrumentation bundle loads this module too (the
// seed parses plans), and a second copy registering the same id in zod's global registry breaks
// the document. lib/api/schemas.ts registers its own clone.

export type RatePlan = z.output<typeof RatePlan>;
export type RatePlanInput = z.input<typeof RatePlan>;
export type Band = RatePlan["bands"][number];

/** A flat plan (no bands, no occupancy pricing, 15-minute increments) for lots that only have hourly rates. */
export function DEFAULT_RATE_PLAN(baseHourly: Record<VehicleType, number>): RatePlan {
  return RatePlan.parse({ base_hourly: baseHourly });
}
