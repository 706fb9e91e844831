import type { DbOrTx } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { spotIsFree } from "@/db/queries/reservations";
import { authorizeReservation } from "@/lib/auth/lot-access";
import { ApiError } from "@/lib/errors";
import type { Caller } from "@/lib/auth/caller";
import { validateWindow } from "./create-reservation";
import { priceBooking } from "./price-booking";

/**
 * What extending a booking to `newEnd` would cost, priced exactly as extendReservation charges it
 * (a fresh quote for the added time), and whether the spot is still free for it. Read-only: the
 * extension itself re-checks everything under the spot lock.
 */
export async function quoteExtension(
  db: DbOrTx,
  caller: Pick<Caller, "id" | "role">,
  id: string,
  newEnd: Date,
  now = new Date(),
) {
  // Only the driver extends (extendReservation's rule): the added time is charged to their card.
  const r = await authorizeReservation(db, caller, id, { operatorRole: null });
  const lot = (await findLot(db, r.lotId))!;
  const { end } = validateWindow(lot, r.startTime.toISOString(), newEnd.toISOString(), { allowPast: true, now });
  if (end <= r.endTime) throw new ApiError("validation_failed", "Choose a time after the current end");
  if (!(await spotIsFree(db, r.spotId, r.endTime, end, r.id))) {
    throw new ApiError(
      "no_spot_available",
      `Spot ${r.spotLabel} is booked by someone else before then. Choose an earlier time.`,
    );
  }
  const extra = await priceBooking(db, lot, r.vehicleType, r.endTime, end);
  return { amount: extra.quote.total, currency: r.currency, end };
}
