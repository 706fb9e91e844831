import type { z } from "zod";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import type { QuoteQuery } from "@/lib/api/schemas";
import { ApiError } from "@/lib/errors";
import { validateWindow } from "@/lib/reservations/create-reservation";
import { priceBooking } from "@/lib/reservations/price-booking";

/** GET /v1/quotes: what a stay would cost if booked now, segment by segment. */
export async function quoteStay(db: Db, q: z.output<typeof QuoteQuery>) {
  const lot = await findLot(db, q.lot_id);
  if (!lot) throw new ApiError("not_found", "Lot not found", { lot_id: q.lot_id });
  const { start, end } = validateWindow(lot, q.start_time, q.end_time, { allowPast: true });
  const priced = await priceBooking(db, lot, q.vehicle_type, start, end);
  return {
    lot_id: lot.id,
    vehicle_type: q.vehicle_type,
    start_time: start.toISOString(),
    end_time: end.toISOString(),
    total: priced.quote.total,
    currency: lot.currency,
    occupancy: Math.round(priced.occupancy * 1000) / 1000,
    line_items: priced.quote.line_items,
  };
}
