-- Gates an operator can leave unattended (issue 11): what each bridge last said about itself, what
-- the barrier actually did for a read, and whether a remote open was carried out.

-- Health, reported by the bridge on its pairing check (GET /v1/gates/self) every few seconds.
ALTER TABLE "gate_devices" ADD COLUMN "last_seen_at" timestamp with time zone;
--> statement-breakpoint
-- The last contact before the latest silence: an offline replay cannot have happened before it.
ALTER TABLE "gate_devices" ADD COLUMN "outage_started_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "gate_devices" ADD COLUMN "bridge_version" text;
--> statement-breakpoint
ALTER TABLE "gate_devices" ADD COLUMN "queue_length" integer;
--> statement-breakpoint
ALTER TABLE "gate_devices" ADD COLUMN "cache_age_s" integer;
--> statement-breakpoint
ALTER TABLE "gate_devices" ADD COLUMN "relay_state" text;
--> statement-breakpoint
-- What the barrier did (opened, denied, relay_failed) as the bridge reported it; null until reported.
ALTER TABLE "gate_events" ADD COLUMN "barrier" text;
--> statement-breakpoint
-- Set when the barrier's report contradicts the answer recorded, or a replay's clock was corrected.
ALTER TABLE "gate_events" ADD COLUMN "flag" text;
--> statement-breakpoint
CREATE INDEX "gate_events_flag_idx" ON "gate_events" ("lot_id", "created_at") WHERE flag IS NOT NULL;
--> statement-breakpoint
-- executed or failed, with the bridge's reason for a failure.
ALTER TABLE "gate_commands" ADD COLUMN "result" text;
--> statement-breakpoint
ALTER TABLE "gate_commands" ADD COLUMN "failure" text;
