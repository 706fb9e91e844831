-- Hand-written: drizzle-kit cannot express exclusion constraints.
-- The database itself forbids double booking: two reservations in an active status may not hold the
-- same spot for overlapping periods. `period` is a half-open [start, end) range, so back-to-back
-- bookings do not conflict. btree_gist lets the GiST index compare spot_id with "=".
-- A violation raises SQLSTATE 23P01 (exclusion_violation), which the API maps to 409 no_spot_available.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_no_overlap"
  EXCLUDE USING gist ("spot_id" WITH =, "period" WITH &&)
  WHERE ("status" IN ('pending_payment', 'confirmed', 'checked_in'));
--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_period_not_empty" CHECK ("end_time" > "start_time");
--> statement-breakpoint
-- Partial index for the allocation query: active reservations of one lot, by spot and period.
CREATE INDEX "reservations_active_lot_period_idx" ON "reservations" USING gist ("lot_id", "period")
  WHERE ("status" IN ('pending_payment', 'confirmed', 'checked_in'));
