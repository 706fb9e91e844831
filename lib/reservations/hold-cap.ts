import { ApiError } from "@/lib/errors";
import { holdLimits } from "@/lib/ratelimit/config";

/**
 * A driver may keep only a few unpaid holds at once (per lot and overall, HOLD_LIMIT_PER_LOT /
 * HOLD_LIMIT_TOTAL): without a cap one account can keep a whole lot held by re-booking every time a
 * hold lapses. Lapsed holds do not count, whether or not the sweeper has expired them yet. The
 * count is taken inside the booking statement, under a per-driver lock (db/queries/allocation.ts),
 * so two bookings of one driver at the cap cannot both pass.
 */
export function holdLimitError(total: number, inLot: number) {
  const { perLot, overall } = holdLimits();
  const [limit, where] = inLot >= perLot ? [perLot, "in this lot"] : [overall, "across all lots"];
  return new ApiError(
    "hold_limit_reached",
    `You already hold ${limit} unpaid booking${limit === 1 ? "" : "s"} ${where}: pay or cancel one first`,
    {
      pending_in_lot: inLot,
      pending_total: total,
      limit_per_lot: perLot,
      limit_total: overall,
    },
  );
}
