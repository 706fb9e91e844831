-- Hand-edited: existing lots keep their prices. Their flat hourly rates become a rate plan with the
-- engine's defaults (15-minute increments, no bands, no occupancy steps, no caps).
ALTER TABLE "lots" ADD COLUMN "rate_plan" jsonb;--> statement-breakpoint
UPDATE "lots" SET "rate_plan" = jsonb_build_object(
  'base_hourly', "hourly_rates",
  'ev_surcharge_hourly', 0,
  'bands', '[]'::jsonb,
  'occupancy_steps', '[]'::jsonb,
  'occupancy_cap_multiplier', 2,
  'billing_increment_minutes', 15,
  'minimum_charge', 0,
  'daily_max', null
);--> statement-breakpoint
ALTER TABLE "lots" ALTER COLUMN "rate_plan" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "lots" DROP COLUMN "hourly_rates";
