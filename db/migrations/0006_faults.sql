-- Hand-written (issue 9/10, faults). A money movement the processor keeps refusing must not block
-- the ones after it: each row carries its own retry count and back-off, and after enough failures
-- it is parked as needs_attention with the reason, for an operator, instead of being retried forever.
-- (The new enum value is not used in this migration: PostgreSQL forbids that in one transaction.)
ALTER TYPE "payment_status" ADD VALUE IF NOT EXISTS 'needs_attention';--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "last_error" text;--> statement-breakpoint
-- What the movement is for, when undoing it needs more than the amount (an extension's old end).
ALTER TABLE "payments" ADD COLUMN "context" jsonb;--> statement-breakpoint
-- The policy shown at booking (grace, no-show penalty, overstay tolerance and cap, cancellation
-- terms): later edits of the lot do not change what an existing booking owes. Null on older rows,
-- which fall back to the lot's current policy.
ALTER TABLE "reservations" ADD COLUMN "policy" jsonb;--> statement-breakpoint
-- Demo seeding finds its lots by this key, not by their (editable) name.
ALTER TABLE "lots" ADD COLUMN "seed_key" text;--> statement-breakpoint
ALTER TABLE "lots" ADD CONSTRAINT "lots_seed_key_key" UNIQUE ("seed_key");
