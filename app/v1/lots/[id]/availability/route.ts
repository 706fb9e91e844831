import { findLot } from "@/db/queries/lots";
import { freeSpotCounts } from "@/db/queries/reservations";
import { AvailabilityQuery, VEHICLE_TYPES } from "@/lib/api/schemas";
import { ApiError } from "@/lib/errors";
import { json, parseId, parseQuery } from "@/lib/http/respond";
import { withDb } from "@/lib/http/with-auth";
import { validateWindow } from "@/lib/reservations/create-reservation";
import { priceWithCounts } from "@/lib/reservations/price-booking";

// GET /v1/lots/{id}/availability – free spots per type for a window, with the price (public)
export const GET = withDb(async ({ req, db, params }) => {
  const lot = await findLot(db, parseId(params.id, "Lot"));
  if (!lot) throw new ApiError("not_found", "Lot not found");
  const q = parseQuery(req, AvailabilityQuery);
  const { start, end } = validateWindow(lot, q.start_time, q.end_time, { allowPast: true });
  const rows = await freeSpotCounts(db, lot.id, start, end);
  const types = q.vehicle_type ? [q.vehicle_type] : VEHICLE_TYPES;
  return json({
    lot_id: lot.id,
    start_time: start.toISOString(),
    end_time: end.toISOString(),
    availability: types.map((t) => {
      const row = rows.find((r) => r.vehicleType === t);
      return {
        vehicle_type: t,
        total_spots: row?.total ?? 0,
        available_spots: row?.free ?? 0,
        amount: priceWithCounts(lot, t, start, end, rows).quote.total,
        currency: lot.currency,
      };
    }),
  });
});
