import type { z } from "zod";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { freeSpots } from "@/lib/availability/free-spots";
import { VEHICLE_TYPES } from "@/lib/vehicle-types";
import type { AvailabilityQuery } from "@/lib/api/schemas";
import { ApiError } from "@/lib/errors";
import { validateWindow } from "@/lib/reservations/create-reservation";
import { priceWithCounts } from "@/lib/reservations/price-booking";

/** GET /v1/lots/{id}/availability: free spots per type for a window, each priced from the same one count. */
export async function lotAvailability(db: Db, lotId: string, q: z.output<typeof AvailabilityQuery>) {
  const lot = await findLot(db, lotId);
  if (!lot) throw new ApiError("not_found", "Lot not found");
  const { start, end } = validateWindow(lot, q.start_time, q.end_time, { allowPast: true });
  const rows = await freeSpots(db, lot.id, start, end);
  const types = q.vehicle_type ? [q.vehicle_type] : VEHICLE_TYPES;
  return {
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
  };
}
