import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { reservations, spots, type VehicleType } from "../schema";
import { ACTIVE_STATUSES } from "./reservations";

// What the availability cache (lib/availability) is rebuilt from.

export async function activeSpotCount(db: DbOrTx, lotId: string, type: VehicleType) {
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(spots)
    .where(and(eq(spots.lotId, lotId), eq(spots.vehicleType, type), eq(spots.active, true)));
  return n!;
}

/** The windows of the spot-holding reservations of a lot and type on active spots, not yet ended. */
export async function bookedWindows(db: DbOrTx, lotId: string, type: VehicleType) {
  return db
    .select({ id: reservations.id, start: reservations.startTime, end: reservations.endTime })
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(
      and(
        eq(reservations.lotId, lotId),
        eq(reservations.vehicleType, type),
        eq(spots.active, true),
        inArray(reservations.status, ACTIVE_STATUSES),
        gt(reservations.endTime, sql`now()`),
      ),
    );
}
