import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { freeSpotCandidates, spotIsFree } from "@/db/queries/reservations";
import { reservations, spots } from "@/db/schema";
import { noteCapacityChange, rebuildAvailability } from "@/lib/availability";
import { ApiError } from "@/lib/errors";
import { lifecycleTransaction, recordChange } from "@/lib/lifecycle/effects";
import { spotLockKey } from "./allocate-spot";

/** Bookings that still hold a spot and have not started parking: these can be moved elsewhere. */
const MOVABLE = ["pending_payment", "confirmed"] as const;

export type MoveOutcome = {
  moved: { reservationId: string; from: string; to: string }[];
  /** Bookings that could not be moved: no free spot of the type for their window, or a car parked there. */
  flagged: { reservationId: string; reason: "no_free_spot" | "car_parked" }[];
};

/**
 * Takes a spot out of service (or back in). Every upcoming booking on it moves to a free spot of the
 * same type for its whole window; when none is free it stays and is flagged, and the dashboard lists
 * it (a booking on an inactive spot) until an operator acts. A checked-in car is not moved: it is
 * physically there.
 *
 * Locks: the spot's own advisory lock first (no booking can land on it while it goes out of
 * service), then each target's, as allocateSpot takes them; every move re-checks the target under
 * its lock and runs in a savepoint, so an EXCLUDE violation (23P01) from a writer that took no lock
 * only skips that target. Moves are 'edited' lifecycle changes: the gate pass keys and workflows
 * re-read the booking after the commit, so the gate knows the new spot.
 */
export async function setSpotInService(db: Db, lotId: string, spotId: string, inService: boolean, now = new Date()): Promise<MoveOutcome> {
  const outcome: MoveOutcome = { moved: [], flagged: [] };
  const spot = await lifecycleTransaction(db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${spotLockKey(spotId)})`);
    const [spot] = await tx
      .update(spots)
      .set({ active: inService })
      .where(and(eq(spots.id, spotId), eq(spots.lotId, lotId)))
      .returning();
    if (!spot) throw new ApiError("not_found", "Spot not found");
    await noteCapacityChange(tx, lotId, [spot.vehicleType]);
    if (inService) return spot;

    const onSpot = await tx
      .select({ id: reservations.id, status: reservations.status, start: reservations.startTime, end: reservations.endTime })
      .from(reservations)
      .where(and(eq(reservations.spotId, spotId), inArray(reservations.status, [...MOVABLE, "checked_in"]), gt(reservations.endTime, now)))
      .orderBy(asc(reservations.startTime));
    for (const r of onSpot) {
      if (r.status === "checked_in") {
        outcome.flagged.push({ reservationId: r.id, reason: "car_parked" });
        continue;
      }
      const to = await moveOne(tx, { lotId, vehicleType: spot.vehicleType, reservationId: r.id, start: r.start, end: r.end });
      if (to) {
        outcome.moved.push({ reservationId: r.id, from: spot.label, to: to.label });
        recordChange(tx, { kind: "edited", reservationId: r.id, at: now });
      } else {
        outcome.flagged.push({ reservationId: r.id, reason: "no_free_spot" });
      }
    }
    return spot;
  });
  await rebuildAvailability(db, lotId, spot.vehicleType);
  return outcome;
}

async function moveOne(
  tx: DbOrTx,
  b: { lotId: string; vehicleType: (typeof spots.$inferSelect)["vehicleType"]; reservationId: string; start: Date; end: Date },
) {
  const candidates = await freeSpotCandidates(tx, { lotId: b.lotId, vehicleType: b.vehicleType, start: b.start, end: b.end, limit: 10 });
  for (const c of candidates) {
    await tx.execute(sql`select pg_advisory_xact_lock(${spotLockKey(c.id)})`);
    if (!(await spotIsFree(tx, c.id, b.start, b.end, b.reservationId))) continue;
    try {
      await (tx as Db).transaction(async (sp) => {
        await sp.update(reservations).set({ spotId: c.id }).where(eq(reservations.id, b.reservationId));
      });
      return c;
    } catch (err) {
      if ((err as { code?: string })?.code !== "23P01") throw err;
    }
  }
  return null;
}
