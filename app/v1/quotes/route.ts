import { findLot } from "@/db/queries/lots";
import { QuoteQuery } from "@/lib/api/schemas";
import { ApiError } from "@/lib/errors";
import { json, parseQuery } from "@/lib/http/respond";
import { withDb } from "@/lib/http/with-auth";
import { priceBooking } from "@/lib/reservations/price-booking";
import { validateWindow } from "@/lib/reservations/create-reservation";

// GET /v1/quotes – the price of a stay, segment by segment (public)
export const GET = withDb(async ({ req, db }) => {
  const q = parseQuery(req, QuoteQuery);
  const lot = await findLot(db, q.lot_id);
  if (!lot) throw new ApiError("not_found", "Lot not found", { lot_id: q.lot_id });
  const { start, end } = validateWindow(lot, q.start_time, q.end_time, { allowPast: true });
  const priced = await priceBooking(db, lot, q.vehicle_type, start, end);
  return json({
    lot_id: lot.id,
    vehicle_type: q.vehicle_type,
    start_time: start.toISOString(),
    end_time: end.toISOString(),
    total: priced.quote.total,
    currency: lot.currency,
    occupancy: Math.round(priced.occupancy * 1000) / 1000,
    line_items: priced.quote.line_items,
  });
});
