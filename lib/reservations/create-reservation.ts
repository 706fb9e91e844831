import type { z } from "zod";
import type { Db } from "@/db/client";
import type { ReservationWithSpot } from "@/db/queries/reservations";
import { findUserById } from "@/db/queries/users";
import type { Lot } from "@/db/schema";
import { allocateSpot } from "@/lib/allocation/allocate-spot";
import type { CreateReservationInput } from "@/lib/api/schemas";
import { ApiError } from "@/lib/errors";
import { insertAudit } from "@/db/queries/audit";
import { authorizeLot } from "@/lib/auth/lot-access";
import type { Caller } from "@/lib/auth/caller";
import { lotForBooking } from "./booking-lot";
import { policyAtBooking } from "./booking-policy";
import { priceNewBooking } from "./price-booking";

/** Clocks of phones and kiosks drift; a start this far in the past still counts as "now". */
export const START_SKEW_MS = 5 * 60_000;

/** The window rules every booking, quote and extension shares. */
export function validateWindow(
  lot: Lot,
  startIso: string,
  endIso: string,
  opts: { allowPast?: boolean; now?: Date } = {},
) {
  const start = new Date(startIso);
  const end = new Date(endIso);
  const now = opts.now ?? new Date();
  if (end <= start) {
    throw new ApiError("validation_failed", "end_time must be after start_time", [
      { path: "end_time", message: "must be after start_time" },
    ]);
  }
  if (!opts.allowPast && start.getTime() < now.getTime() - START_SKEW_MS) {
    throw new ApiError("validation_failed", "start_time is in the past", [
      { path: "start_time", message: "must not be in the past" },
    ]);
  }
  const minutes = (end.getTime() - start.getTime()) / 60_000;
  if (minutes > lot.maxReservationMinutes) {
    const limit =
      lot.maxReservationMinutes >= 1440
        ? `${Math.floor(lot.maxReservationMinutes / 1440)} days`
        : `${lot.maxReservationMinutes} minutes`;
    throw new ApiError("validation_failed", `This lot takes bookings of at most ${limit}`, [
      { path: "end_time", message: `at most ${lot.maxReservationMinutes} minutes after start_time` },
    ]);
  }
  return { start, end };
}

/** How many times a booking re-prices after the lot changed under it before giving up. */
const LOT_CHANGES = 3;

/**
 * Books a spot at the quoted price and holds it in `pending_payment` for the lot's hold time;
 * POST /v1/payments confirms it, and an unpaid hold expires and frees the spot.
 *
 * The lot row comes from a per-process cache (booking-lot.ts); the booking statement re-checks its
 * version, the driver's hold cap (lib/reservations/hold-cap.ts) and the spot, all in one short
 * transaction, so a booking is one statement plus what pricing truly needs.
 */
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
  // Booking for someone else is a manager's act, and only in their organisation's lots.
  if (userId !== caller.id) {
    await authorizeLot(db, caller, input.lot_id, "manager");
    if (!(await findUserById(db, userId))) throw new ApiError("not_found", "User not found", { user_id: userId });
  }
  let reservation: ReservationWithSpot | undefined;
  let lot: Lot | undefined;
  for (let i = 0; !reservation; i++) {
    if (i === LOT_CHANGES) throw new ApiError("conflict", "The lot's settings changed while booking; please try again");
    const cached = await lotForBooking(db, input.lot_id, { fresh: i > 0 });
    if (!cached) throw new ApiError("not_found", "Lot not found", { lot_id: input.lot_id });
    lot = cached.lot;
    const { start, end } = validateWindow(lot, input.start_time, input.end_time, { now });
    const pricing = await priceNewBooking(db, lot, input.vehicle_type, start, end);
    const allocation = await allocateSpot(db, {
      userId,
      lotId: lot.id,
      lotVersion: cached.version,
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
    if (allocation.kind === "booked") reservation = allocation.reservation;
  }
  if (userId !== caller.id) {
    await insertAudit(db, {
      organisationId: lot!.organisationId,
      actorId: caller.id,
      action: "reservation.created_for_driver",
      targetType: "reservation",
      targetId: reservation.id,
      after: {
        user_id: userId,
        lot_id: lot!.id,
        start_time: reservation.startTime.toISOString(),
        end_time: reservation.endTime.toISOString(),
        amount: reservation.amount,
      },
    });
  }
  return reservation;
}
