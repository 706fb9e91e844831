-- Hand-written (site): a lot's city and coordinates, for search by city, sort by distance and the
-- map. Nullable: a lot without coordinates is still listed and bookable, just not on the map.
ALTER TABLE "lots" ADD COLUMN "city" text;--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "latitude" double precision;--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "longitude" double precision;--> statement-breakpoint
ALTER TABLE "lots" ADD CONSTRAINT "lots_coordinates_check" CHECK (
  ("latitude" IS NULL) = ("longitude" IS NULL)
  AND ("latitude" IS NULL OR ("latitude" BETWEEN -90 AND 90 AND "longitude" BETWEEN -180 AND 180))
);--> statement-breakpoint
-- Demo databases seeded before this migration get the demo lots' places (db/seed.ts has them for new ones).
UPDATE "lots" SET "city" = 'Amsterdam', "latitude" = 52.3752, "longitude" = 4.8840 WHERE "name" = 'Canal Street Garage' AND "latitude" IS NULL;--> statement-breakpoint
UPDATE "lots" SET "city" = 'San Francisco', "latitude" = 37.7680, "longitude" = -122.3877 WHERE "name" = 'Mission Bay Lot' AND "latitude" IS NULL;--> statement-breakpoint
UPDATE "lots" SET "city" = 'Tokyo', "latitude" = 35.6595, "longitude" = 139.7005 WHERE "name" = 'Shibuya Mini Park' AND "latitude" IS NULL;
