import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { VEHICLE_TYPES } from "@/lib/vehicle-types";
import type { DbOrTx } from "../client";
import { lots, spots, type Lot, type NewLot, type NewSpot, type SpotCounts, type VehicleType } from "../schema";

export const emptyCounts = (): SpotCounts => ({ compact: 0, large: 0, ev: 0, handicapped: 0 });

export async function listLots(db: DbOrTx) {
  return db.select().from(lots).orderBy(asc(lots.name), asc(lots.id));
}

export async function findLot(db: DbOrTx, id: string) {
  const [row] = await db.select().from(lots).where(eq(lots.id, id)).limit(1);
  return row ?? null;
}

/** Active spots per vehicle type, for every lot asked for. */
export async function activeSpotCounts(db: DbOrTx, lotIds: string[]) {
  const result = new Map<string, SpotCounts>(lotIds.map((id) => [id, emptyCounts()]));
  if (lotIds.length === 0) return result;
  const rows = await db
    .select({ lotId: spots.lotId, vehicleType: spots.vehicleType, n: count() })
    .from(spots)
    .where(and(eq(spots.active, true), inArray(spots.lotId, lotIds)))
    .groupBy(spots.lotId, spots.vehicleType);
  for (const r of rows) result.get(r.lotId)![r.vehicleType] = Number(r.n);
  return result;
}

export async function listSpots(db: DbOrTx, lotId: string) {
  return db.select().from(spots).where(eq(spots.lotId, lotId)).orderBy(asc(spots.level), asc(spots.label));
}

export async function findSpot(db: DbOrTx, lotId: string, spotId: string) {
  const [row] = await db
    .select()
    .from(spots)
    .where(and(eq(spots.id, spotId), eq(spots.lotId, lotId)))
    .limit(1);
  return row ?? null;
}

/**
 * Labels like "C-001" per type, continuing after the highest existing number, so spots added later
 * never collide with the ones already painted on the floor.
 */
export async function spotsFromCounts(db: DbOrTx, lot: Pick<Lot, "id">, counts: Partial<SpotCounts>, level: string) {
  const prefix: Record<VehicleType, string> = { compact: "C", large: "L", ev: "E", handicapped: "H" };
  const existing = await db.select({ label: spots.label, y: spots.y }).from(spots).where(eq(spots.lotId, lot.id));
  const taken = new Set(existing.map((s) => s.label));
  const out: NewSpot[] = [];
  // New spots go on rows after the existing ones, so the map never stacks two spots on one place.
  const firstRow = existing.length ? Math.max(...existing.map((s) => s.y)) + 1 : 0;
  let x = 0;
  for (const type of VEHICLE_TYPES) {
    let n = 0;
    for (let i = 0; i < (counts[type] ?? 0); i++) {
      let label: string;
      do label = `${level}-${prefix[type]}${String(++n).padStart(3, "0")}`;
      while (taken.has(label));
      taken.add(label);
      out.push({
        lotId: lot.id,
        label,
        level,
        vehicleType: type,
        x: x++ % 20,
        y: firstRow + Math.floor(out.length / 20),
      });
    }
  }
  return out;
}

export async function insertLot(db: DbOrTx, values: NewLot) {
  const [lot] = await db.insert(lots).values(values).returning();
  return lot!;
}

/** Absent fields stay undefined, which drizzle leaves out of the SET list. */
export async function updateLotRow(db: DbOrTx, id: string, patch: Partial<NewLot>) {
  const [lot] = await db.update(lots).set(patch).where(eq(lots.id, id)).returning();
  return lot ?? null;
}

/** Row-locks the lot against a concurrent edit, for checks that must hold until the edit commits. */
export async function lockLot(db: DbOrTx, id: string) {
  await db.select({ id: lots.id }).from(lots).where(eq(lots.id, id)).for("update");
}

/** Which of these labels the lot already uses. */
export async function takenSpotLabels(db: DbOrTx, lotId: string, labels: string[]) {
  const rows = await db
    .select({ label: spots.label })
    .from(spots)
    .where(and(eq(spots.lotId, lotId), inArray(spots.label, labels)));
  return rows.map((r) => r.label);
}

/**
 * Refreshes the planner's statistics of spots. Until autovacuum next analyzes the table (up to a
 * minute, and only past its change threshold), a lot's newly added spots are unknown to the planner:
 * on a new database the booking statement then probed each spot's reservations through the period
 * index (measured: 22,000 buffer reads and ~8 ms of PostgreSQL CPU per booking, instead of ~1 ms).
 */
export async function analyzeSpots(db: DbOrTx) {
  await db.execute(sql`analyze spots`);
}

/** Batches keep a 5000-spot lot under PostgreSQL's bind-parameter limit. */
export async function insertSpots(db: DbOrTx, rows: NewSpot[]) {
  const out = [];
  for (let i = 0; i < rows.length; i += 1000)
    out.push(
      ...(await db
        .insert(spots)
        .values(rows.slice(i, i + 1000))
        .returning()),
    );
  return out;
}
