import type { DbOrTx } from "@/db/client";
import { freeSpotCounts, spotTotals, type FreeSpotCount, type SpotTotal } from "@/db/queries/reservations";

/**
 * How long a process reuses a lot's spot totals. They change only when an operator adds spots or
 * takes one out of service; for that long an availability answer may still count the old total
 * (as a read replica a second behind would). Booking itself never relies on these counts: it
 * re-checks each spot in its own statement.
 */
const TOTALS_TTL_MS = 5_000;
const totalsCache = new Map<string, { until: number; totals: Promise<SpotTotal[]> }>();

function cachedTotals(db: DbOrTx, lotId: string) {
  const hit = totalsCache.get(lotId);
  if (hit && hit.until > Date.now()) return hit.totals;
  if (totalsCache.size > 5_000) totalsCache.clear();
  const totals = spotTotals(db, lotId);
  totalsCache.set(lotId, { until: Date.now() + TOTALS_TTL_MS, totals });
  totals.catch(() => totalsCache.delete(lotId));
  return totals;
}

/**
 * Free spots per type for a window, for availability and quotes: the busy spots are counted now,
 * the totals come from the cache above. Counting every spot of a 5,000-spot lot was half the cost
 * of an availability answer (docs/scaling.md, "where the time goes").
 */
export async function freeSpots(db: DbOrTx, lotId: string, start: Date, end: Date): Promise<FreeSpotCount[]> {
  return freeSpotCounts(db, lotId, start, end, await cachedTotals(db, lotId));
}
