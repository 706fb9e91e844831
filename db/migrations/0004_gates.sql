-- gate_events had no writer before this migration, so its new NOT NULL columns need no backfill.
CREATE TYPE "public"."gate_collection" AS ENUM('nothing_due', 'collected', 'pending', 'collected_offline', 'unable_to_collect');--> statement-breakpoint
CREATE TYPE "public"."gate_event_kind" AS ENUM('entry', 'exit', 'manual_open');--> statement-breakpoint
CREATE TABLE "gate_commands" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"gate_id" uuid NOT NULL,
	"command" text NOT NULL,
	"reason" text NOT NULL,
	"actor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "gate_devices" ADD COLUMN "secret_rotated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "gate_events" ADD COLUMN "event_id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "gate_events" ADD COLUMN "kind" "gate_event_kind" NOT NULL;--> statement-breakpoint
ALTER TABLE "gate_events" ADD COLUMN "occurred_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "gate_events" ADD COLUMN "offline" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "gate_events" ADD COLUMN "pending_charges" integer;--> statement-breakpoint
ALTER TABLE "gate_events" ADD COLUMN "currency" text;--> statement-breakpoint
ALTER TABLE "gate_events" ADD COLUMN "collection" "gate_collection";--> statement-breakpoint
ALTER TABLE "gate_events" ADD COLUMN "actor_id" uuid;--> statement-breakpoint
ALTER TABLE "gate_events" ADD COLUMN "response" jsonb;--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "gate_entry_margin_minutes" integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "lpr_confidence_threshold" double precision DEFAULT 0.8 NOT NULL;--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "allow_reentry" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "gate_commands" ADD CONSTRAINT "gate_commands_gate_id_gate_devices_id_fk" FOREIGN KEY ("gate_id") REFERENCES "public"."gate_devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gate_commands" ADD CONSTRAINT "gate_commands_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gate_commands_pending_idx" ON "gate_commands" USING btree ("gate_id","created_at") WHERE acked_at is null;--> statement-breakpoint
ALTER TABLE "gate_events" ADD CONSTRAINT "gate_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "gate_devices_lot_id_name_key" ON "gate_devices" USING btree ("lot_id","name");--> statement-breakpoint
CREATE INDEX "gate_events_gate_id_idx" ON "gate_events" USING btree ("gate_id","created_at");--> statement-breakpoint
CREATE INDEX "gate_events_collection_idx" ON "gate_events" USING btree ("lot_id","collection") WHERE collection = 'unable_to_collect';--> statement-breakpoint
ALTER TABLE "gate_devices" ADD CONSTRAINT "gate_devices_secret_hash_key" UNIQUE("secret_hash");--> statement-breakpoint
ALTER TABLE "gate_events" ADD CONSTRAINT "gate_events_event_id_key" UNIQUE("event_id");