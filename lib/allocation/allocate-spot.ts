import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { bookFirstFreeSpot, spotLabels, type BookingRow } from "@/db/queries/allocation";
import { insertReservation } from "@/db/queries/lifecycle";
import { findReservation, spotIsFree } from "@/db/queries/reservations";
import type { VehicleType } from "@/db/schema";
import { certainlyFull, noteBooked } from "@/lib/availability";
import { ApiError, PG, pgCode } from "@/lib/errors";
import { noteKnownPlate } from "@/lib/gates/pass-reconcile";
import { runEffects } from "@/lib/lifecycle/effects";
import { LOCKS } from "@/db/locks";
import { expireStaleHolds } from "@/lib/reservations/expire-holds";

export type AllocateRequest = BookingRow;

const CANDIDATES_PER_ROUND = 16;
const MAX_ROUNDS = 64;
/** Spot labels change when an operator edits the lot; a stale list only makes starting points less random. */
const LABELS_TTL_MS = 60_000;

/** The per-spot advisory lock every writer of a spot's bookings takes (allocation, extension). */
export const spotLockKey = (spotId: string) => sql`${LOCKS.spot}, hashtext(${spotId})`;

const noSpot = () => new ApiError("no_spot_available", "No spot of that type is free for the whole requested time");

const labelCache = new Map<string, { labels: string[]; until: number }>();
async function randomStart(db: Db, lotId: string, type: VehicleType): Promise<string> {
  const key = `${lotId}:${type}`;
  let hit = labelCache.get(key);
  if (!hit || hit.until < Date.now()) {
    hit = { labels: await spotLabels(db, lotId, type), until: Date.now() + LABELS_TTL_MS };
    labelCache.set(key, hit);
  }
  return hit.labels.length ? hit.labels[Math.floor(Math.random() * hit.labels.length)]! : "";
}

/**
 * Books one free spot of the requested type, or throws 409 `no_spot_available`.
 *
 * Invariant: no two active reservations of a spot overlap. The EXCLUDE constraint on (spot_id,
 * period) guarantees it; the per-spot advisory lock (LOCKS.spot) makes writers of one spot take turns
 * so they rarely reach the constraint, and keeps extension (which takes the same lock) exact.
 *
 * A quiet lot hands out the lowest free label first. One attempt is one SQL statement
 * (bookFirstFreeSpot): find up to 16 free spots, skip those another booker holds the lock of
 * (pg_try_advisory_xact_lock, like SKIP LOCKED), insert into the first one. Under contention —
 * the spot went to someone else after our snapshot, or every candidate was locked — the booker
 * moves to a random label and walks the lot from there (wrapping around), so 32 drivers booking
 * the same window spread over the lot instead of all fighting over the lowest free labels. When
 * every candidate is locked, it also waits on the first one rather than giving up: a holder may
 * still roll back and leave the spot free. A lapsed unpaid hold is swept by the scheduler; only
 * when nothing looks free (or the cache says full) is it swept here first, so one never makes a
 * booking fail.
 */
export async function allocateSpot(db: Db, req: AllocateRequest) {
  const { lotId, vehicleType, startTime, endTime } = req;
  let swept = false;
  // A lapsed, unswept hold counts as booked in the cache too: sweep before saying "full".
  if (await certainlyFull(db, lotId, vehicleType, startTime, endTime)) {
    swept = true;
    if ((await expireStaleHolds(db, { lotId, vehicleType })).length === 0) throw noSpot();
  }

  let from = "";
  let before = false;
  const scatter = async () => {
    from = await randomStart(db, lotId, vehicleType);
    before = false;
  };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let attempt: { candidates: string[]; id: string | null };
    try {
      attempt = await bookFirstFreeSpot(db, req, { from, before, limit: CANDIDATES_PER_ROUND });
    } catch (err) {
      // Another booker committed this spot after our snapshot: look again.
      if (pgCode(err) === PG.exclusionViolation) {
        await scatter();
        continue;
      }
      throw err;
    }
    if (attempt.id) return finish(db, attempt.id, req);
    if (attempt.candidates.length === 0) {
      // Nothing free from the start label on: look before it; then sweep lapsed holds once.
      if (!before && from !== "") {
        before = true;
        continue;
      }
      if (swept) throw noSpot();
      swept = true;
      if ((await expireStaleHolds(db, { lotId, vehicleType })).length === 0) throw noSpot();
      from = "";
      before = false;
      continue;
    }
    const waited = await bookWaiting(db, attempt.candidates[0]!, req);
    if (waited) return finish(db, waited, req);
    await scatter();
  }
  throw new ApiError("conflict", "The lot is too busy right now; please try again");
}

async function finish(db: Db, id: string, req: AllocateRequest) {
  await noteBooked(req.lotId, req.vehicleType, { id, start: req.startTime, end: req.endTime });
  await noteKnownPlate(req.licensePlate);
  await runEffects(db, [{ kind: "created", reservationId: id, at: new Date() }]);
  const row = await findReservation(db, id);
  return row!;
}

/** Every candidate was locked by another booker: queue on one, then book it if it is still free. */
async function bookWaiting(db: Db, spotId: string, req: AllocateRequest): Promise<string | null> {
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${spotLockKey(spotId)})`);
      if (!(await spotIsFree(tx, spotId, req.startTime, req.endTime))) return null;
      return await insertReservation(tx, { ...req, spotId });
    });
  } catch (err) {
    if (pgCode(err) === PG.exclusionViolation) return null;
    throw err;
  }
}
