import type { DbOrTx } from "@/db/client";
import { lotWithVersion } from "@/db/queries/allocation";
import type { Lot } from "@/db/schema";

/**
 * The lot rows bookings are priced from, cached per process with their row version. A cached row
 * may be stale (another process edited the lot): that is safe because the booking statement books
 * only while the lot row is still the version the price was computed from, and otherwise answers
 * `lot_changed`, whereupon createReservation reads the row afresh (`fresh`) and prices again. So a
 * lot edit reaches every process's next booking at once, with no Redis round trip per booking; the
 * TTL only bounds how long an idle process keeps a row it may never need again.
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 5_000;
type Entry = { lot: Lot; version: string };
const cache = new Map<string, { until: number; entry: Promise<Entry | null> }>();

export function lotForBooking(db: DbOrTx, lotId: string, opts: { fresh?: boolean } = {}): Promise<Entry | null> {
  const hit = cache.get(lotId);
  if (hit && !opts.fresh && hit.until > Date.now()) return hit.entry;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const entry = lotWithVersion(db, lotId);
  cache.set(lotId, { until: Date.now() + TTL_MS, entry });
  // Neither a failure nor "no such lot" is kept: the next booking asks again.
  entry.then(
    (e) => e ?? cache.delete(lotId),
    () => cache.delete(lotId),
  );
  return entry;
}
