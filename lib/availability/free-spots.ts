import type { DbOrTx } from "@/db/client";
import { freeSpotCounts, spotTotals, type FreeSpotCount, type SpotTotal } from "@/db/queries/reservations";
import { reuse, type Memo } from "@/lib/memo";

/**
 * How long a process reuses a lot's spot totals (then, for TOTALS_STALE_MS more, while one query
 * replaces them). They change only when an operator adds spots or takes one out of service; for
 * those five seconds an availability answer may still count the old total, as a lagging read
 * replica would. Booking itself never relies on these counts: it re-checks each spot in its own
 * statement.
 */
const TOTALS_TTL_MS = 4_000;
const TOTALS_STALE_MS = 1_000;
/**
 * How long a process reuses a window's free counts. Counting a busy window's reservations is the
 * costliest part of a quote or availability answer, and at rush hour many drivers ask about the same
 * lot and window within a second (event parking). This process's own bookings and releases forget
 * the lot's counts at once (forgetFreeSpots, from lib/availability's notes), so only another
 * process's can be missed, and for a second at most — as a read replica a second behind would.
 * Past FREE_TTL_MS a count is still answered while one query replaces it (FREE_STALE_MS), so a
 * window asked about often never makes a driver wait for that count: right after a rush of
 * bookings into a new window, before ANALYZE has seen them, it took 18 ms of 3,173 rows (and was
 * most of the quote's and availability's p99 in `npm run bench`).
 */
const FREE_TTL_MS = 750;
const FREE_STALE_MS = 250;
const MAX_LOTS = 5_000;
const MAX_WINDOWS_PER_LOT = 1_000;

const totalsCache: Memo<SpotTotal[]> = new Map();
const freeCache = new Map<string, Memo<FreeSpotCount[]>>();

/** This process changed the lot's bookings or spots: its next answer counts afresh. */
export function forgetFreeSpots(lotId: string, opts: { totals?: boolean } = {}) {
  freeCache.delete(lotId);
  if (opts.totals) totalsCache.delete(lotId);
}

/**
 * Free spots per type for a window, for availability and quotes, from the caches above. Counting
 * every spot of a 5,000-spot lot was half the cost of an availability answer, and counting a
 * window's 1,500 bookings most of the rest (docs/scaling.md, "where the time goes"). Inside a
 * transaction (an extension's price) the count is always read afresh.
 */
export async function freeSpots(db: DbOrTx, lotId: string, start: Date, end: Date): Promise<FreeSpotCount[]> {
  const totals = () =>
    reuse(totalsCache, lotId, { ttlMs: TOTALS_TTL_MS, staleMs: TOTALS_STALE_MS, max: MAX_LOTS }, () =>
      spotTotals(db, lotId),
    );
  if ("rollback" in db) return freeSpotCounts(db, lotId, start, end, await totals());
  let windows = freeCache.get(lotId);
  if (!windows) {
    if (freeCache.size >= MAX_LOTS) freeCache.clear();
    freeCache.set(lotId, (windows = new Map()));
  }
  return reuse(
    windows,
    `${start.getTime()}:${end.getTime()}`,
    { ttlMs: FREE_TTL_MS, staleMs: FREE_STALE_MS, max: MAX_WINDOWS_PER_LOT },
    async () => freeSpotCounts(db, lotId, start, end, await totals()),
  );
}
