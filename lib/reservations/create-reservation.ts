import type { z } from "zod";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { findUserById } from "@/db/queries/users";
import type { Lot } from "@/db/schema";
import { allocateSpot } from "@/lib/allocation/allocate-spot";
import type { CreateReservationInput } from "@/lib/api/schemas";
import { ApiError } from "@/lib/errors";
import { insertAudit } from "@/db/queries/audit";
import { authorizeLot } from "@/lib/auth/lot-access";
import type { Caller } from "@/lib/auth/caller";
import { assertHoldCap } from "./hold-cap";
import { policyAtBooking } from "./booking-policy";
import { priceBooking } from "./price-booking";

/** Clocks of phones and kiosks drift; a start this far in the past still counts as "now". */
export const START_SKEW_MS = 5 * 60_000;

/** The window rules every booking, quote and extension shares. */
export function validateWindow(lot: Lot, startIso: string, endIso: string, opts: { allowPast?: boolean; now?: Date } = {}) {
  const start = new Date(startIso);
  const end = new Date(endIso);
  const now = opts.now ?? new Date();
  if (end <= start) {
    throw new ApiError("validation_failed", "end_time must be after start_time", [{ path: "end_time", message: "must be after start_time" }]);
  }
  if (!opts.allowPast && start.getTime() < now.getTime() - START_SKEW_MS) {
    throw new ApiError("validation_failed", "start_time is in the past", [{ path: "start_time", message: "must not be in the past" }]);
  }
  const minutes = (end.getTime() - start.getTime()) / 60_000;
  if (minutes > lot.maxReservationMinutes) {
    const limit = lot.maxReservationMinutes >= 1440 ? `${Math.floor(lot.maxReservationMinutes / 1440)} days` : `${lot.maxReservationMinutes} minutes`;
    throw new ApiError("validation_failed", `This lot takes bookings of at most ${limit}`, [
      { path: "end_time", message: `at most ${lot.maxReservationMinutes} minutes after start_time` },
    ]);
  }
  return { start, end };
}

/**
 * Books a spot at the quoted price and holds it in `pending_payment` for the lot's hold time;
 * POST /v1/payments confirms it, and an unpaid hold expires and frees the spot.
 */
export async function createReservation(db: Db, caller: Caller, input: z.output<typeof CreateReservationInput>, now = new Date()) {
  const userId = input.user_id ?? caller.id;
  if (caller.role !== "operator" && userId !== caller.id) {
    throw new ApiError("forbidden", "Drivers can only book for themselves");
  }
  // Booking for someone else is a manager's act, and only in their organisation's lots.
  const lot = userId === caller.id ? await findLot(db, input.lot_id) : (await authorizeLot(db, caller, input.lot_id, "manager")).lot;
  if (!lot) throw new ApiError("not_found", "Lot not found", { lot_id: input.lot_id });
  const { start, end } = validateWindow(lot, input.start_time, input.end_time, { now });
  if (userId !== caller.id && !(await findUserById(db, userId))) {
    throw new ApiError("not_found", "User not found", { user_id: userId });
  }
  // Lapsed holds are swept by the scheduler, and by allocateSpot when nothing else is free; they do
  // not count against the cap either way.
  await assertHoldCap(db, userId, lot.id, now);
  const pricing = await priceBooking(db, lot, input.vehicle_type, start, end);
  const reservation = await allocateSpot(db, {
    userId,
    lotId: lot.id,
    vehicleType: input.vehicle_type,
    licensePlate: input.license_plate ?? null,
    startTime: start,
    endTime: end,
    status: "pending_payment",
    holdExpiresAt: new Date(now.getTime() + lot.holdMinutes * 60_000),
    amount: pricing.quote.total,
    currency: lot.currency,
    pricing,
    policy: policyAtBooking(lot, pricing.plan, input.vehicle_type),
  });
  if (userId !== caller.id) {
    await insertAudit(db, {
      organisationId: lot.organisationId,
      actorId: caller.id,
      action: "reservation.created_for_driver",
      targetType: "reservation",
      targetId: reservation.id,
      after: { user_id: userId, lot_id: lot.id, start_time: start.toISOString(), end_time: end.toISOString(), amount: reservation.amount },
    });
  }
  return reservation;
}
