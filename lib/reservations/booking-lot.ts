import type { DbOrTx } from "@/db/client";
import { lotWithVersion } from "@/db/queries/allocation";
import type { Lot } from "@/db/schema";
import { reuse, type Memo } from "@/lib/memo";

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
const cache: Memo<Entry | null> = new Map();

export function lotForBooking(db: DbOrTx, lotId: string, opts: { fresh?: boolean } = {}): Promise<Entry | null> {
  // Neither a failure nor "no such lot" is kept: the next booking asks again.
  return reuse(cache, lotId, { ttlMs: TTL_MS, max: MAX_ENTRIES, fresh: opts.fresh, keep: (e) => e !== null }, () =>
    lotWithVersion(db, lotId),
  );
}
