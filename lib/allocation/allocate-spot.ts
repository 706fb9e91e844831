import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { findReservation, freeSpotCandidates, spotIsFree } from "@/db/queries/reservations";
import { insertReservation } from "@/db/queries/lifecycle";
import type { NewReservation, VehicleType } from "@/db/schema";
import { certainlyFull, noteBooked } from "@/lib/availability";
import { ApiError, PG, pgCode } from "@/lib/errors";
import { runEffects } from "@/lib/lifecycle/effects";
import { LOCKS } from "@/db/locks";

export type AllocateRequest = Omit<NewReservation, "spotId" | "id" | "period" | "vehicleType" | "startTime" | "endTime"> & {
  vehicleType: VehicleType;
  startTime: Date;
  endTime: Date;
};

const CANDIDATES_PER_ROUND = 16;
const MAX_ROUNDS = 64;

/** The per-spot advisory lock every writer of a spot's bookings takes (allocation, extension). */
export const spotLockKey = (spotId: string) => sql`${LOCKS.spot}, hashtext(${spotId})`;

const noSpot = () => new ApiError("no_spot_available", "No spot of that type is free for the whole requested time");

/**
 * Books one free spot of the requested type, or throws 409 `no_spot_available`.
 *
 * Each attempt is a short transaction holding a per-spot advisory lock. `pg_try_advisory_xact_lock`
 * lets concurrent bookers skip a spot someone else is taking and move on to the next free one, so
 * they spread over the lot instead of queueing behind one lock. Under the lock the spot is re-checked
 * (every earlier holder has committed by then); the EXCLUDE constraint on (spot_id, period) is the
 * final guarantee — if it fires (a writer that took no lock), the next spot is tried. When every
 * candidate is locked, the booker waits on the first one rather than giving up: a holder may still
 * roll back and leave the spot free.
 */
export async function allocateSpot(db: Db, req: AllocateRequest) {
  const { lotId, vehicleType, startTime, endTime } = req;
  if (await certainlyFull(db, lotId, vehicleType, startTime, endTime)) throw noSpot();

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const candidates = await freeSpotCandidates(db, {
      lotId,
      vehicleType,
      start: startTime,
      end: endTime,
      limit: CANDIDATES_PER_ROUND,
    });
    if (candidates.length === 0) throw noSpot();
    let allBusy = true;
    for (const spot of candidates) {
      const outcome = await tryBook(db, spot.id, req, false);
      if (outcome === "busy") continue;
      allBusy = false;
      if (outcome !== "taken") return finish(db, outcome, req);
    }
    if (allBusy) {
      const outcome = await tryBook(db, candidates[0]!.id, req, true);
      if (outcome !== "taken" && outcome !== "busy") return finish(db, outcome, req);
    }
  }
  throw new ApiError("conflict", "The lot is too busy right now; please try again");
}

async function finish(db: Db, id: string, req: AllocateRequest) {
  await noteBooked(req.lotId, req.vehicleType, { id, start: req.startTime, end: req.endTime });
  await runEffects(db, [{ kind: "created", reservationId: id, at: new Date() }]);
  const row = await findReservation(db, id);
  return row!;
}

async function tryBook(db: Db, spotId: string, req: AllocateRequest, wait: boolean): Promise<string | "busy" | "taken"> {
  try {
    return await db.transaction(async (tx) => {
      const key = spotLockKey(spotId);
      if (wait) {
        await tx.execute(sql`select pg_advisory_xact_lock(${key})`);
      } else {
        const [row] = await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(${key}) as ok`);
        if (!row?.ok) return "busy";
      }
      if (!(await spotIsFree(tx, spotId, req.startTime, req.endTime))) return "taken";
      return await insertReservation(tx, { ...req, spotId });
    });
  } catch (err) {
    if (pgCode(err) === PG.exclusionViolation) return "taken";
    throw err;
  }
}
