import type { Db } from "@/db/client";
import { bookFirstFreeSpot, spotLabels, type BookingRow } from "@/db/queries/allocation";
import type { ReservationWithSpot } from "@/db/queries/reservations";
import type { VehicleType } from "@/db/schema";
import { certainlyFull, noteBooked } from "@/lib/availability";
import { ApiError } from "@/lib/errors";
import { noteKnownPlate } from "@/lib/gates/pass-reconcile";
import { runEffects } from "@/lib/lifecycle/effects";
import { holdLimitError } from "@/lib/reservations/hold-cap";
import { reuse, type Memo } from "@/lib/memo";
import { holdLimits } from "@/lib/ratelimit/config";
import { expireStaleHolds } from "@/lib/reservations/expire-holds";

export type AllocateRequest = BookingRow & {
  /** The lot row version the price and policy were computed from (lotWithVersion). */
  lotVersion: string;
};

export type Allocation = { kind: "booked"; reservation: ReservationWithSpot } | { kind: "lot_changed" };

const CANDIDATES_PER_ROUND = 16;
const MAX_ROUNDS = 64;
/** Spot labels change when an operator edits the lot; a stale list only makes starting points less random. */
const LABELS_TTL_MS = 60_000;
/** How long a window's "lowest labels are taken" hint is trusted (see `windows`). */
const HINT_TTL_MS = 10_000;

/** The per-spot advisory lock every writer of a spot's bookings takes (allocation, extension). */

const noSpot = () => new ApiError("no_spot_available", "No spot of that type is free for the whole requested time");

const labelCache: Memo<string[]> = new Map();
async function randomStart(db: Db, lotId: string, type: VehicleType): Promise<string> {
  const labels = await reuse(labelCache, `${lotId}:${type}`, { ttlMs: LABELS_TTL_MS, max: 10_000 }, () =>
    spotLabels(db, lotId, type),
  );
  return labels.length ? labels[Math.floor(Math.random() * labels.length)]! : "";
}

// Per process, per lot+type+window: the label the last lowest-first booking of exactly this window
// got (every label below it was taken then), and how many bookings of it are in flight. Event
// parking books one window many times over; without the hint each booking would walk past every
// spot already booked for it, and without the in-flight count concurrent bookers would all start
// on the same spot.
const windows = new Map<string, { label: string; until: number; inFlight: number }>();
const windowKey = (r: BookingRow) => `${r.lotId}:${r.vehicleType}:${r.startTime.getTime()}:${r.endTime.getTime()}`;
function windowState(key: string) {
  let w = windows.get(key);
  if (!w) {
    if (windows.size > 10_000)
      for (const [k, v] of windows) if (v.inFlight === 0 && v.until < Date.now()) windows.delete(k);
    windows.set(key, (w = { label: "", until: 0, inFlight: 0 }));
  }
  return w;
}

/**
 * Books one free spot of the requested type, or throws 409 `no_spot_available` (or
 * `hold_limit_reached`). Returns `lot_changed` when the lot row changed since the caller read it:
 * the caller re-prices from the new row and asks again.
 *
 * Invariant: no two active reservations of a spot overlap. The EXCLUDE constraint on (spot_id,
 * period) guarantees it; the per-spot advisory lock (LOCKS.spot) makes writers of one spot take turns
 * so they rarely reach the constraint, and keeps extension (which takes the same lock) exact.
 *
 * An attempt is one short transaction, sent in one round trip (bookFirstFreeSpot): the driver's
 * hold-cap lock, the booking statement, COMMIT. The statement checks the hold cap and the lot's
 * version, finds up to 16 free spots, skips those another booker holds the lock of
 * (pg_try_advisory_xact_lock, like SKIP LOCKED) and inserts into the first one.
 *
 * A quiet lot hands out the lowest free label first (from the window's hint, see `windows`).
 * Under contention — another booking of the same window in flight here, the spot went to someone
 * else after our snapshot, or every candidate was locked — the booker starts at a random label and
 * walks the lot from there (wrapping around), so 32 drivers booking the same window spread over the
 * lot instead of all fighting over the lowest free labels. When every candidate is locked, it also
 * waits on the first one rather than giving up: a holder may still roll back and leave the spot
 * free. A lapsed unpaid hold is swept by the scheduler; only when nothing looks free (or the cache
 * says full) is it swept here first, so one never makes a booking fail.
 */
export async function allocateSpot(db: Db, req: AllocateRequest): Promise<Allocation> {
  const { lotId, vehicleType, startTime, endTime } = req;
  let swept = false;
  // A lapsed, unswept hold counts as booked in the cache too: sweep before saying "full".
  if (await certainlyFull(db, lotId, vehicleType, startTime, endTime)) {
    swept = true;
    if ((await expireStaleHolds(db, { lotId, vehicleType })).length === 0) throw noSpot();
  }

  const key = windowKey(req);
  const hint = windowState(key);
  const contended = hint.inFlight > 0;
  hint.inFlight++;
  try {
    let from = contended ? await randomStart(db, lotId, vehicleType) : hint.until > Date.now() ? hint.label : "";
    let lowestFirst = !contended;
    let before = false;
    const scatter = async () => {
      from = await randomStart(db, lotId, vehicleType);
      before = false;
      lowestFirst = false;
    };
    const cap = { ...holdLimits(), now: new Date() };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const attempt = await bookFirstFreeSpot(db, req, {
        from,
        before,
        limit: CANDIDATES_PER_ROUND,
        lotVersion: req.lotVersion,
        cap,
      });
      if (attempt.kind === "lot_changed") return attempt;
      if (attempt.kind === "hold_limit") throw holdLimitError(attempt.total, attempt.inLot);
      if (attempt.kind === "booked") {
        if (lowestFirst && !before)
          Object.assign(hint, { label: attempt.reservation.spotLabel, until: Date.now() + HINT_TTL_MS });
        return finish(db, attempt.reservation, req);
      }
      // Another booker committed the spot we picked after our snapshot: look elsewhere.
      if (attempt.picked) {
        await scatter();
        continue;
      }
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
      const waited = await bookFirstFreeSpot(db, req, {
        from,
        before,
        limit: 1,
        spotId: attempt.candidates[0]!,
        lotVersion: req.lotVersion,
        cap,
      });
      if (waited.kind === "lot_changed") return waited;
      if (waited.kind === "hold_limit") throw holdLimitError(waited.total, waited.inLot);
      if (waited.kind === "booked") return finish(db, waited.reservation, req);
      await scatter();
    }
    throw new ApiError("conflict", "The lot is too busy right now; please try again");
  } finally {
    hint.inFlight--;
  }
}

async function finish(db: Db, reservation: ReservationWithSpot, req: AllocateRequest): Promise<Allocation> {
  const { id } = reservation;
  // Independent keys: sent together, one round trip's wait.
  await Promise.all([
    noteBooked(req.lotId, req.vehicleType, { id, start: req.startTime, end: req.endTime }),
    noteKnownPlate(req.licensePlate),
  ]);
  await runEffects(db, [
    { kind: "created", reservationId: id, at: new Date(), holdExpiresAt: reservation.holdExpiresAt },
  ]);
  return { kind: "booked", reservation };
}
