import type { DbOrTx } from "@/db/client";
import { freeSpotCounts, spotTotals, type FreeSpotCount, type SpotTotal } from "@/db/queries/reservations";

/**
 * How long a process reuses a lot's spot totals. They change only when an operator adds spots or
 * takes one out of service; for that long an availability answer may still count the old total
 * (as a read replica a second behind would). Booking itself never relies on these counts: it
 * re-checks each spot in its own statement.
 */
const TOTALS_TTL_MS = 5_000;
/**
 * How long a process reuses a window's free counts. Counting a busy window's reservations is the
 * costliest part of a quote or availability answer, and at rush hour many drivers ask about the same
 * lot and window within a second (event parking). This process's own bookings and releases forget
 * the lot's counts at once (forgetFreeSpots, from lib/availability's notes), so only another
 * process's can be missed, and for this long at most — as a read replica a second behind would.
 */
const FREE_TTL_MS = 1_000;
const MAX_LOTS = 5_000;

type Cached<T> = { until: number; value: Promise<T> };
const totalsCache = new Map<string, Cached<SpotTotal[]>>();
const freeCache = new Map<string, Map<string, Cached<FreeSpotCount[]>>>();

/** Shares one query among the callers of a key until it is `ttlMs` old; a failure is not kept. */
function reuse<T>(cache: Map<string, Cached<T>>, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.value;
  const value = load();
  const entry = { until: Date.now() + ttlMs, value };
  cache.set(key, entry);
  value.catch(() => cache.get(key) === entry && cache.delete(key));
  return value;
}

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
  if (totalsCache.size > MAX_LOTS) totalsCache.clear();
  const totals = () => reuse(totalsCache, lotId, TOTALS_TTL_MS, () => spotTotals(db, lotId));
  if ("rollback" in db) return freeSpotCounts(db, lotId, start, end, await totals());
  let windows = freeCache.get(lotId);
  if (!windows) {
    if (freeCache.size > MAX_LOTS) freeCache.clear();
    freeCache.set(lotId, (windows = new Map()));
  }
  return reuse(windows, `${start.getTime()}:${end.getTime()}`, FREE_TTL_MS, async () =>
    freeSpotCounts(db, lotId, start, end, await totals()),
  );
}
