import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { findReservation, freeSpotCandidates, spotIsFree } from "@/db/queries/reservations";
import {
  overstayConflicts,
  recordSpotMove,
  resolveLeftOverstayFlags,
  resolveOutOfServiceFlags,
  spotsHeldByOverstayers,
} from "@/db/queries/spot-moves";
import { reservations, spots } from "@/db/schema";
import { noteCapacityChange, rebuildAvailability } from "@/lib/availability";
import { ApiError } from "@/lib/errors";
import { lifecycleTransaction, recordChange } from "@/lib/lifecycle/effects";
import { lockSpot } from "@/db/queries/locks";

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
export async function setSpotInService(
  db: Db,
  lotId: string,
  spotId: string,
  inService: boolean,
  now = new Date(),
): Promise<MoveOutcome> {
  const outcome: MoveOutcome = { moved: [], flagged: [] };
  const spot = await lifecycleTransaction(db, async (tx) => {
    await lockSpot(tx, spotId);
    const [spot] = await tx
      .update(spots)
      .set({ active: inService })
      .where(and(eq(spots.id, spotId), eq(spots.lotId, lotId)))
      .returning();
    if (!spot) throw new ApiError("not_found", "Spot not found");
    await noteCapacityChange(tx, lotId, [spot.vehicleType]);
    if (inService) {
      await resolveOutOfServiceFlags(tx, spotId, now);
      return spot;
    }

    const onSpot = await tx
      .select({
        id: reservations.id,
        status: reservations.status,
        start: reservations.startTime,
        end: reservations.endTime,
      })
      .from(reservations)
      .where(
        and(
          eq(reservations.spotId, spotId),
          inArray(reservations.status, [...MOVABLE, "checked_in"]),
          gt(reservations.endTime, now),
        ),
      )
      .orderBy(asc(reservations.startTime));
    for (const r of onSpot) {
      if (r.status === "checked_in") {
        outcome.flagged.push({ reservationId: r.id, reason: "car_parked" });
        continue;
      }
      const to = await moveOne(tx, {
        lotId,
        vehicleType: spot.vehicleType,
        reservationId: r.id,
        start: r.start,
        end: r.end,
      });
      await recordSpotMove(tx, {
        reservationId: r.id,
        fromSpotId: spotId,
        toSpotId: to?.id ?? null,
        reason: "out_of_service",
      });
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

/** How far ahead a booking whose spot is still taken by an overstaying car is moved: before its driver sets off. */
const OVERSTAY_LOOKAHEAD_MS = 60 * 60_000;
const OVERSTAY_BATCH = 100;

/**
 * The same move, done by itself when a car overstays into the next booking of its spot: once the
 * car is past its end plus the tolerance and still checked in, each booking on that spot starting
 * within OVERSTAY_LOOKAHEAD_MS moves to a free spot of its type (not one another overstayer holds),
 * or is flagged for the operator when none is free. Run by the scheduler's sweep and the Inngest
 * backstop cron; safe twice and concurrently: each booking is re-read under its spot's lock, and a
 * moved booking is no longer on the spot. The driver sees the move in My reservations, and the
 * gate pass (synced after the commit, as every 'edited' change) names the new spot at the barrier.
 */
export async function moveBookingsOffOverstayedSpots(db: Db, now = new Date()): Promise<MoveOutcome> {
  const outcome: MoveOutcome = { moved: [], flagged: [] };
  const conflicts = await overstayConflicts(db, now, new Date(now.getTime() + OVERSTAY_LOOKAHEAD_MS), OVERSTAY_BATCH);
  for (const c of conflicts) {
    const result = await lifecycleTransaction(db, async (tx) => {
      await lockSpot(tx, c.spotId);
      const r = await findReservation(tx, c.reservationId, { forUpdate: true });
      const avoid = await spotsHeldByOverstayers(tx, c.lotId, now);
      // Moved, parked, cancelled, or the overstaying car left since the finder ran: nothing to do.
      if (!r || r.spotId !== c.spotId || !(MOVABLE as readonly string[]).includes(r.status) || !avoid.has(c.spotId))
        return null;
      const to = await moveOne(
        tx,
        { lotId: c.lotId, vehicleType: r.vehicleType, reservationId: r.id, start: r.startTime, end: r.endTime },
        avoid,
      );
      await recordSpotMove(tx, {
        reservationId: r.id,
        fromSpotId: c.spotId,
        toSpotId: to?.id ?? null,
        reason: "overstay",
      });
      if (to) recordChange(tx, { kind: "edited", reservationId: r.id, at: now });
      return { reservationId: r.id, from: r.spotLabel, to: to?.label ?? null };
    });
    if (result?.to) outcome.moved.push({ ...result, to: result.to });
    else if (result) outcome.flagged.push({ reservationId: result.reservationId, reason: "no_free_spot" });
  }
  await resolveLeftOverstayFlags(db, now);
  // No availability rebuild: the cache counts bookings per type, and one spot of a type was traded for another.
  return outcome;
}

async function moveOne(
  tx: DbOrTx,
  b: {
    lotId: string;
    vehicleType: (typeof spots.$inferSelect)["vehicleType"];
    reservationId: string;
    start: Date;
    end: Date;
  },
  avoid: Set<string> = new Set(),
) {
  const candidates = await freeSpotCandidates(tx, {
    lotId: b.lotId,
    vehicleType: b.vehicleType,
    start: b.start,
    end: b.end,
    limit: 10 + avoid.size,
  });
  for (const c of candidates) {
    if (avoid.has(c.id)) continue;
    await lockSpot(tx, c.id);
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
