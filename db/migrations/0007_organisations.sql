-- Organisations own lots; operators act through a membership with a role. Hand-written (see helper rules).
CREATE TYPE "public"."organisation_role" AS ENUM('owner', 'manager', 'attendant');--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"organisation_id" uuid NOT NULL REFERENCES "organisations"("id") ON DELETE cascade,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE cascade,
	"role" "organisation_role" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_pkey" PRIMARY KEY ("organisation_id", "user_id")
);
--> statement-breakpoint
CREATE INDEX "memberships_user_id_idx" ON "memberships" USING btree ("user_id");--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL REFERENCES "organisations"("id") ON DELETE cascade,
	"email" text,
	"role" "organisation_role" NOT NULL,
	"token_hash" text NOT NULL CONSTRAINT "invitations_token_hash_key" UNIQUE,
	"invited_by" uuid NOT NULL REFERENCES "users"("id"),
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" uuid REFERENCES "users"("id"),
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "invitations_organisation_id_idx" ON "invitations" USING btree ("organisation_id", "created_at");--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL REFERENCES "organisations"("id") ON DELETE cascade,
	"actor_id" uuid REFERENCES "users"("id"),
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_organisation_id_idx" ON "audit_log" USING btree ("organisation_id", "created_at");--> statement-breakpoint
-- Personal tokens: scopes, revocation (refused at once), and a session version for "sign out everywhere".
ALTER TABLE "api_tokens" ADD COLUMN "scopes" text[] DEFAULT '{read,book,operate}' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "session_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "organisation_id" uuid REFERENCES "organisations"("id");--> statement-breakpoint
-- Lots that exist already go to one organisation with a fixed id (the demo's, which the seed reuses).
-- Every operator could act on every lot before this migration, so every existing operator becomes an
-- owner of it: nobody loses access on upgrade, and owners can remove members afterwards.
INSERT INTO "organisations" ("id", "name")
	SELECT '5b0c0000-0000-4000-8000-000000000001', 'Spotkeeper Demo'
	WHERE EXISTS (SELECT 1 FROM "lots");--> statement-breakpoint
INSERT INTO "memberships" ("organisation_id", "user_id", "role")
	SELECT '5b0c0000-0000-4000-8000-000000000001', "id", 'owner' FROM "users"
	WHERE "role" = 'operator' AND EXISTS (SELECT 1 FROM "lots");--> statement-breakpoint
UPDATE "lots" SET "organisation_id" = '5b0c0000-0000-4000-8000-000000000001' WHERE "organisation_id" IS NULL;--> statement-breakpoint
ALTER TABLE "lots" ALTER COLUMN "organisation_id" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "lots_organisation_id_idx" ON "lots" USING btree ("organisation_id");
