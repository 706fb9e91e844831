import { and, asc, eq, gt, lte } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { reservations, spots } from "../schema";
import { withSpot } from "./reservations";

/**
 * The lot's reservations, in any status, whose gate pass could still be shown in [from, to) — and,
 * with `changedSince`, only those changed after it: what an offline bridge must know, including
 * the ones it must now refuse (cancelled, completed) and the cars inside.
 */
export async function offlineCacheRows(db: DbOrTx, lotId: string, from: Date, to: Date, changedSince?: Date) {
  return db
    .select(withSpot)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(
      and(
        eq(reservations.lotId, lotId),
        lte(reservations.startTime, to),
        gt(reservations.endTime, from),
        changedSince ? gt(reservations.updatedAt, changedSince) : undefined,
      ),
    )
    .orderBy(asc(reservations.startTime))
    .limit(20_000);
}
