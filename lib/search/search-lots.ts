import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { activeSpotCounts } from "@/db/queries/lots";
import { freeSpotCounts } from "@/db/queries/reservations";
import { lotsMatching } from "@/db/queries/search";
import type { Lot, SpotCounts, VehicleType } from "@/db/schema";
import { VEHICLE_TYPES } from "@/lib/api/schemas";
import { lotRatePlan, priceWithCounts } from "@/lib/reservations/price-booking";
import { localToInstant } from "@/lib/time/zoned-time";
import { distanceKm } from "./distance";

const Bool = z.preprocess((v) => v === "1" || v === "on" || v === "true" || v === true, z.boolean());
const LocalTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);

/** The search form's fields, as the home page's URL carries them (and GET /v1/lots could). */
const Fields = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  type: z.enum(VEHICLE_TYPES).optional().catch(undefined),
  ev: Bool.optional(),
  accessible: Bool.optional(),
  /** Highest hourly price (or, with a window, total price) in each lot's own currency, major units ("12.50"). */
  max_price: z.coerce.number().min(0).optional().catch(undefined),
  /** A window on each lot's own clock ("2027-01-05T10:00"): only lots with a free spot then. */
  start: LocalTime.optional().catch(undefined),
  end: LocalTime.optional().catch(undefined),
  sort: z.enum(["name", "price", "distance"]).optional().catch(undefined),
  near: z
    .string()
    .regex(/^-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?$/)
    .optional()
    .catch(undefined),
});
// An empty form field ("max_price=") means "not given", not zero.
export const LotSearch = z.preprocess(
  (v) => (v && typeof v === "object" ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== "")) : v),
  Fields,
);
export type LotSearch = z.infer<typeof Fields>;

export type LotResult = {
  lot: Lot;
  counts: SpotCounts;
  /** The type priced: the one asked for, or the lot's cheapest offered type. */
  pricedType: VehicleType | null;
  /** Hourly rate of that type; with a window, the quote for the whole window. */
  price: number | null;
  priceIsTotal: boolean;
  /** Free spots of the type (or of any type) for the window; null without a window. */
  free: number | null;
  distanceKm: number | null;
};

const MAX_LOTS = 200;

/** ISO 4217 minor units as the runtime knows them (JPY 0, EUR 2). */
const minorDigits = (currency: string) =>
  new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;

/**
 * Finds lots as a driver asks: words in the name, city or address; vehicle type, EV and accessible
 * spots; a price ceiling; a free spot for a window read on each lot's own clock; sorted by price or
 * by distance from a point. Prices are the booking engine's (priceWithCounts), so the figure on a
 * search result is the figure the lot page quotes.
 */
export async function searchLots(db: DbOrTx, s: LotSearch): Promise<LotResult[]> {
  const required: VehicleType[] = [];
  if (s.type) required.push(s.type);
  if (s.ev && s.type !== "ev") required.push("ev");
  if (s.accessible && s.type !== "handicapped") required.push("handicapped");
  const lots = await lotsMatching(db, { text: s.q, vehicleTypes: required, limit: MAX_LOTS });
  const counts = await activeSpotCounts(
    db,
    lots.map((l) => l.id),
  );
  const origin = s.near ? (s.near.split(",").map(Number) as [number, number]) : null;

  const results = await Promise.all(
    lots.map(async (lot): Promise<LotResult | null> => {
      const c = counts.get(lot.id)!;
      const offered = VEHICLE_TYPES.filter((t) => c[t] > 0);
      const start = s.start ? localToInstant(s.start, lot.timeZone) : null;
      const end = s.end ? localToInstant(s.end, lot.timeZone) : null;
      const window = start && end && end > start ? { start, end } : null;
      let free: number | null = null;
      let price: number | null = null;
      let pricedType: VehicleType | null = s.type ?? null;
      if (window) {
        const rows = await freeSpotCounts(db, lot.id, window.start, window.end);
        const types = s.type ? [s.type] : offered;
        free = rows.filter((r) => types.includes(r.vehicleType)).reduce((n, r) => n + r.free, 0);
        if (free === 0) return null;
        const priced = types
          .filter((t) => (rows.find((r) => r.vehicleType === t)?.free ?? 0) > 0)
          .map((t) => ({ t, total: priceWithCounts(lot, t, window.start, window.end, rows).quote.total }))
          .sort((a, b) => a.total - b.total)[0];
        pricedType = priced?.t ?? null;
        price = priced?.total ?? null;
      } else {
        const plan = lotRatePlan(lot);
        const hourly = (t: VehicleType) => plan.base_hourly[t] + (t === "ev" ? plan.ev_surcharge_hourly : 0);
        const types = s.type ? [s.type] : offered;
        const cheapest = types.map((t) => ({ t, p: hourly(t) })).sort((a, b) => a.p - b.p)[0];
        pricedType = cheapest?.t ?? null;
        price = cheapest?.p ?? null;
      }
      if (s.max_price !== undefined && (price === null || price > s.max_price * 10 ** minorDigits(lot.currency)))
        return null;
      const distance =
        origin && lot.latitude !== null && lot.longitude !== null
          ? distanceKm(origin, [lot.latitude, lot.longitude])
          : null;
      return { lot, counts: c, pricedType, price, priceIsTotal: !!window, free, distanceKm: distance };
    }),
  );
  const found = results.filter((r): r is LotResult => r !== null);
  const last = Number.POSITIVE_INFINITY;
  if (s.sort === "price") found.sort((a, b) => (a.price ?? last) - (b.price ?? last));
  if (s.sort === "distance") found.sort((a, b) => (a.distanceKm ?? last) - (b.distanceKm ?? last));
  return found;
}
