import { lifecycleTransaction, recordChange } from "@/lib/lifecycle/effects";
import type { Db } from "@/db/client";
import { failedPaymentsWithKey, nextBookingOnSpot, setReservationEnd } from "@/db/queries/extensions";
import { lockSpot } from "@/db/queries/locks";
import { findLot } from "@/db/queries/lots";
import { findReservation } from "@/db/queries/reservations";
import type { Payment } from "@/db/schema";
import { noteBooked, noteReleased } from "@/lib/availability";
import { ApiError } from "@/lib/errors";
import { authorizeReservation } from "@/lib/auth/lot-access";
import type { Caller } from "@/lib/auth/caller";
import { queueCharge, settle } from "@/lib/payments/money-movements";
import { validateWindow } from "./create-reservation";
import { priceBooking } from "./price-booking";

const EXTENDABLE = new Set(["confirmed", "checked_in"]);

/**
 * Moves a paid reservation's end later on the same spot, charging the extra time as a fresh quote
 * (the lot's plan and occupancy now). The spot lock plus the EXCLUDE constraint make the extension
 * and a new booking of the following window mutually exclusive; a declined charge undoes it.
 */
/**
 * Takes back an extension whose charge failed for good — at once, or hours later from the sweeper or
 * a webhook — so the extra time is never free. Only while the reservation still ends where this
 * extension put it and has not finished: a stay that already used the time is charged as an
 * overstay at check-out instead, which asks the driver to pay.
 */
export async function undoExtension(db: Db, charge: Pick<Payment, "reservationId" | "amount" | "context">) {
  const ext = charge.context?.extension;
  if (!ext) return false;
  const from = new Date(ext.from);
  const to = new Date(ext.to);
  return lifecycleTransaction(db, async (tx) => {
    const r = await findReservation(tx, charge.reservationId, { forUpdate: true });
    if (!r || !EXTENDABLE.has(r.status) || r.endTime.getTime() !== to.getTime()) return false;
    // Shrinking is a release for the cache; the tombstone it leaves only makes the cache count
    // this reservation less from now on, which is the safe direction.
    await noteReleased(tx, r.lotId, r.vehicleType, { id: r.id, start: r.startTime, end: to });
    await setReservationEnd(tx, r.id, { endTime: from, amount: r.amount - charge.amount }, to);
    recordChange(tx, { kind: "edited", reservationId: r.id, at: new Date() });
    return true;
  });
}

export async function extendReservation(db: Db, caller: Caller, id: string, newEndIso: string, now = new Date()) {
  const { r, charge, newEnd } = await lifecycleTransaction(db, async (tx) => {
    // Only the driver extends: the extension is charged off-session to their card, so it must be
    // their request, never an operator's (who sees someone else's booking in their lot as 403).
    const r = await authorizeReservation(tx, caller, id, { forUpdate: true, operatorRole: null });
    if (!EXTENDABLE.has(r.status)) {
      throw new ApiError(
        "invalid_state",
        `Only a paid, upcoming or active reservation can be extended (this one is ${r.status.replace("_", " ")})`,
        { status: r.status },
      );
    }
    const lot = (await findLot(tx, r.lotId))!;
    const { end: newEnd } = validateWindow(lot, r.startTime.toISOString(), newEndIso, { allowPast: true, now });
    if (newEnd <= r.endTime) throw new ApiError("validation_failed", "The new end_time must be after the current one");
    if (newEnd <= now) throw new ApiError("validation_failed", "The new end_time is already in the past");
    await lockSpot(tx, r.spotId);
    const next = await nextBookingOnSpot(tx, { spotId: r.spotId, exceptId: r.id, after: r.endTime, before: newEnd });
    if (next) {
      throw new ApiError(
        "no_spot_available",
        `Spot ${r.spotLabel} is booked by someone else from ${next.start.toISOString()}`,
        {
          available_until: next.start.toISOString(),
        },
      );
    }
    const extra = await priceBooking(tx, lot, r.vehicleType, r.endTime, newEnd);
    await setReservationEnd(tx, r.id, { endTime: newEnd, amount: r.amount + extra.quote.total });
    // A declined attempt keeps its ledger row, and Stripe its answer, under the key it used: asking
    // again for the same end needs a fresh key, or the driver is refused without Stripe being asked.
    const key = `extension:${r.id}:${newEnd.toISOString()}`;
    const declined = await failedPaymentsWithKey(tx, r.id, key);
    const attemptKey = declined > 0 ? `${key}:retry-${declined}` : key;
    recordChange(tx, { kind: "edited", reservationId: r.id, at: now });
    const charge = await queueCharge(
      tx,
      r,
      "adjustment",
      extra.quote.total,
      attemptKey,
      `Extension until ${newEnd.toISOString()}`,
      {
        extension: { from: r.endTime.toISOString(), to: newEnd.toISOString() },
      },
    );
    return { r, charge, newEnd };
  });

  const status = charge ? await settle(db, charge) : "succeeded";
  if (status === "failed" || status === "needs_attention") {
    await undoExtension(db, charge!);
    throw new ApiError("payment_declined", "The extension could not be charged to your saved payment method", {
      end_time: r.endTime.toISOString(),
    });
  }
  await noteBooked(r.lotId, r.vehicleType, { id: r.id, start: r.startTime, end: newEnd });
  return { reservation: (await findReservation(db, r.id))!, extensionAmount: charge?.amount ?? 0 };
}
