import type { z } from "zod";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { findUserById } from "@/db/queries/users";
import { allocateSpot } from "@/lib/allocation/allocate-spot";
import type { CreateReservationInput } from "@/lib/api/schemas";
import { ApiError } from "@/lib/errors";
import type { Caller } from "@/lib/http/with-auth";
import { quoteAmount } from "@/lib/pricing/quote";

/** Clocks of phones and kiosks drift; a start this far in the past still counts as "now". */
export const START_SKEW_MS = 5 * 60_000;

export async function createReservation(
  db: Db,
  caller: Caller,
  input: z.output<typeof CreateReservationInput>,
  now = new Date(),
) {
  const userId = input.user_id ?? caller.id;
  if (caller.role !== "operator" && userId !== caller.id) {
    throw new ApiError("forbidden", "Drivers can only book for themselves");
  }
  const start = new Date(input.start_time);
  const end = new Date(input.end_time);
  if (end <= start) {
    throw new ApiError("validation_failed", "end_time must be after start_time", [{ path: "end_time", message: "must be after start_time" }]);
  }
  if (start.getTime() < now.getTime() - START_SKEW_MS) {
    throw new ApiError("validation_failed", "start_time is in the past", [{ path: "start_time", message: "must not be in the past" }]);
  }
  const lot = await findLot(db, input.lot_id);
  if (!lot) throw new ApiError("not_found", "Lot not found", { lot_id: input.lot_id });
  const minutes = (end.getTime() - start.getTime()) / 60_000;
  if (minutes > lot.maxReservationMinutes) {
    throw new ApiError("validation_failed", `This lot takes bookings of at most ${Math.floor(lot.maxReservationMinutes / 1440)} days`, [
      { path: "end_time", message: `at most ${lot.maxReservationMinutes} minutes after start_time` },
    ]);
  }
  if (userId !== caller.id && !(await findUserById(db, userId))) {
    throw new ApiError("not_found", "User not found", { user_id: userId });
  }
  return allocateSpot(db, {
    userId,
    lotId: lot.id,
    vehicleType: input.vehicle_type,
    licensePlate: input.license_plate ?? null,
    startTime: start,
    endTime: end,
    // Until payments exist, a booking is confirmed on allocation at the quoted price.
    status: "confirmed",
    amount: quoteAmount(lot.hourlyRates, input.vehicle_type, start, end),
    currency: lot.currency,
  });
}
