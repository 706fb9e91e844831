import { and, asc, ilike, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { lots, spots, type VehicleType } from "../schema";

/** `%` and `_` typed by a person are letters, not wildcards. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Lots whose name, city or address contains every word typed (in any order), optionally only those
 * with at least one active spot of a vehicle type. The rest of the search (prices, the window,
 * distance) is computed per lot in lib/search, where the lot's zone and rate plan are known.
 */
export async function lotsMatching(db: DbOrTx, q: { text?: string; vehicleTypes?: VehicleType[]; limit: number }) {
  const words = (q.text ?? "").trim().split(/\s+/).filter(Boolean).slice(0, 8);
  const conds: SQL[] = words.map((w) => {
    const p = `%${likeEscape(w)}%`;
    return or(ilike(lots.name, p), ilike(lots.city, p), ilike(lots.address, p))!;
  });
  for (const t of q.vehicleTypes ?? []) {
    conds.push(
      sql`exists (select 1 from ${spots} s where s.lot_id = ${lots.id} and s.active and s.vehicle_type = ${t})`,
    );
  }
  return db
    .select()
    .from(lots)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(lots.name), asc(lots.id))
    .limit(q.limit);
}
