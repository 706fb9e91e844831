-- Hand-written (site): why a booking changed spot, so its driver is told, and which booking
-- e-mails went out, so a retried send never mails twice.

-- One row per booking and spot it was moved off: moved (to_spot_id set) or flagged (null: no free
-- spot of its type). 'out_of_service': an operator took the spot out; 'overstay': the car before
-- it stayed past its end. resolved_at: a flag that no longer needs anyone (the overstayer left).
CREATE TABLE "spot_moves" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "reservation_id" uuid NOT NULL REFERENCES "reservations"("id"),
  "from_spot_id" uuid NOT NULL REFERENCES "spots"("id") ON DELETE CASCADE,
  "to_spot_id" uuid REFERENCES "spots"("id") ON DELETE CASCADE,
  "reason" text NOT NULL CHECK ("reason" IN ('out_of_service', 'overstay')),
  "resolved_at" timestamp with time zone,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "spot_moves_reservation_id_from_spot_id_key" ON "spot_moves" ("reservation_id", "from_spot_id");--> statement-breakpoint

-- The outbox of booking e-mails: claimed (lease_until) before sending, sent_at after, so a retry
-- of the effect, the sweep and a second process never send the same e-mail twice.
CREATE TABLE "reservation_emails" (
  "reservation_id" uuid NOT NULL REFERENCES "reservations"("id"),
  "kind" text NOT NULL CHECK ("kind" IN ('confirmation')),
  "sent_at" timestamp with time zone,
  "attempts" integer DEFAULT 0 NOT NULL,
  "lease_until" timestamp with time zone,
  "last_error" text,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  PRIMARY KEY ("reservation_id", "kind")
);--> statement-breakpoint
CREATE INDEX "reservation_emails_unsent_idx" ON "reservation_emails" ("created_at") WHERE "sent_at" IS NULL;
--> statement-breakpoint
-- The sweeps' finders, run every few seconds: cars parked now (the overstay move) and recent
-- confirmations (e-mails still owed) are few rows of a large table; these keep them index scans.
CREATE INDEX "reservations_checked_in_end_idx" ON "reservations" ("end_time") WHERE "status" = 'checked_in';--> statement-breakpoint
CREATE INDEX "reservation_transitions_confirmed_idx" ON "reservation_transitions" ("created_at") WHERE "to_status" = 'confirmed';
