"use server";

import { refresh } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { findReservation } from "@/db/queries/reservations";
import { CreateReservationInput, PaymentInput } from "@/lib/api/schemas";
import { ApiError, isApiError } from "@/lib/errors";
import { payReservation } from "@/lib/payments/pay-reservation";
import { enforceLimits } from "@/lib/ratelimit";
import { cancelReservation } from "@/lib/reservations/cancel-reservation";
import { createReservation } from "@/lib/reservations/create-reservation";
import { extendReservation } from "@/lib/reservations/extend-reservation";
import { quoteExtension } from "@/lib/reservations/quote-extension";
import { localToInstant } from "@/lib/time/zoned-time";
import { formatMoney } from "@/components/format";
import { validatedAction } from "./validated-action";

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
};

// POST form on /lots/[id] – book a spot, same schema and lib function as POST /v1/reservations
export const bookSpot = validatedAction(
  CreateReservationInput,
  async (input, { db, caller }) => {
    const reservation = await createReservation(db, caller, input);
    redirect(`/reservations/${reservation.id}`);
  },
  {
    // The inputs are wall-clock times at the lot; the schema wants instants. The zone is the lot's as
    // stored, not one the page sent, so a booking always means what the lot's clock will say.
    fromForm: async (form, db) => {
      const lotId = text(form, "lot_id");
      const lot = z.uuid().safeParse(lotId).success ? await findLot(db, lotId) : null;
      if (!lot) throw new ApiError("not_found", "This lot no longer exists.");
      const start = localToInstant(text(form, "start_local"), lot.timeZone);
      const end = localToInstant(text(form, "end_local"), lot.timeZone);
      const missing = [
        !start && { path: "start_time", message: "Choose when you arrive" },
        !end && { path: "end_time", message: "Choose when you leave" },
      ].filter(Boolean);
      if (missing.length) throw new ApiError("validation_failed", "Choose a start and an end time", missing);
      return {
        lot_id: lot.id,
        vehicle_type: text(form, "vehicle_type") || undefined,
        start_time: start!.toISOString(),
        end_time: end!.toISOString(),
        license_plate: text(form, "license_plate") || undefined,
      };
    },
    returnTo: (form) => `/lots/${encodeURIComponent(text(form, "lot_id"))}`,
  },
);

const CancelForm = z.object({ reservation_id: z.uuid() });

// POST form on /reservations – cancel, same lib function as PUT /v1/reservations/{id}/cancel
export const cancelBooking = validatedAction(
  CancelForm,
  async ({ reservation_id }, { db, caller }) => {
    const result = await cancelReservation(db, caller, reservation_id);
    refresh();
    return {
      success:
        result.refund_amount > 0
          ? `Cancelled. ${formatMoney(result.refund_amount, result.currency)} will be refunded.`
          : `Cancelled. Refund: ${formatMoney(0, result.currency)}.`,
    };
  },
  { returnTo: () => "/reservations" },
);

/**
 * The processor does not know this card number. Matched by code, not class: the demo provider is
 * cached on globalThis by whichever server bundle made it first, so its PaymentRejectedError can be
 * another bundle's class, and `instanceof` misses it (it then reaches the API as a 500).
 */
function unknownCard(err: unknown) {
  const e = err as { code?: unknown; details?: { code?: unknown } };
  return (
    e?.code === "resource_missing" ||
    (isApiError(err) && err.code === "payment_failed" && e.details?.code === "resource_missing")
  );
}

// POST form on /reservations – pay a held booking, same schema and lib function as POST /v1/payments
export const payBooking = validatedAction(
  PaymentInput,
  async (input, { db, caller }) => {
    await enforceLimits([["payment", caller.id]]); // the same per-driver attempt limit as POST /v1/payments
    try {
      await payReservation(db, caller, input);
    } catch (err) {
      // The processor's words for a number it does not know ("No such PaymentMethod: '4242…'")
      // mean a typing mistake to a driver; nothing was charged, so say that.
      if (unknownCard(err)) {
        throw new ApiError(
          "payment_failed",
          "That card number was not recognised. Check the digits and try again — nothing was charged.",
        );
      }
      throw err;
    }
    refresh();
    return { success: "Paid. Your spot is confirmed." };
  },
  {
    // The amount is the one the page showed: a price that changed since is refused, not charged.
    fromForm: (form) => ({
      reservation_id: text(form, "reservation_id"),
      amount: Number(text(form, "amount")),
      payment_method_id: text(form, "payment_method_id"),
    }),
    returnTo: () => "/reservations",
  },
);

const ExtendForm = z.object({
  reservation_id: z.uuid(),
  end_time: z.iso.datetime({ offset: true }),
  confirm: z.boolean(),
});

/** The new end typed on the lot's clock, as an instant; the zone is the lot's as stored. */
async function extendInput(form: FormData, db: Db) {
  const id = text(form, "reservation_id");
  const r = z.uuid().safeParse(id).success ? await findReservation(db, id) : null;
  const lot = r ? await findLot(db, r.lotId) : null;
  if (!r || !lot) throw new ApiError("not_found", "Reservation not found");
  const end = localToInstant(text(form, "end_local"), lot.timeZone);
  if (!end)
    throw new ApiError("validation_failed", "Choose a new end time", [
      { path: "end_time", message: "Choose a new end time" },
    ]);
  return { reservation_id: id, end_time: end.toISOString(), confirm: text(form, "intent") === "extend" };
}

// Form on a reservation – quote an extension, then extend; same lib function as PUT /v1/reservations/{id}/extend
export const extendBooking = validatedAction(
  ExtendForm,
  async ({ reservation_id, end_time, confirm }, { db, caller }) => {
    if (!confirm) {
      const q = await quoteExtension(db, caller, reservation_id, new Date(end_time));
      return {
        success: `Extending costs ${formatMoney(q.amount, q.currency)}, charged to the card you paid with.`,
        code: "quoted",
      };
    }
    const { extensionAmount, reservation } = await extendReservation(db, caller, reservation_id, end_time);
    refresh();
    return {
      success: `Extended. ${formatMoney(extensionAmount, reservation.currency)} was charged.`,
      code: "extended",
    };
  },
  { fromForm: extendInput, returnTo: () => "/reservations" },
);
