import type { Db } from "@/db/client";
import { reservationsForPlateSince, reservationsWithSpot, type ReservationForGate } from "@/db/queries/gates";
import type { Lot, ReservationStatus } from "@/db/schema";
import { afterAnswer } from "./background";
import type { GateReason } from "./decide";
import { gatePassOf, isPassStatus, type GatePass } from "./gate-pass";
import type { Identity } from "./identify";
import { gateKeys, gateStores } from "./store";
import { syncGatePass } from "./sync-gate-pass";

type Known = Extract<Identity, { kind: "plate" | "qr" }>;

/** Reads one key; a store that is down reads as a miss (`failed` says which). */
export async function readKey(key: string): Promise<{ value: string | null; failed: boolean }> {
  try {
    return { value: await gateStores().shared.get(key), failed: false };
  } catch {
    return { value: null, failed: true };
  }
}

/** The fast path: the passes kept for this plate in this lot, or for this QR pass. null = ask PostgreSQL. */
export async function passesFromStore(lotId: string, id: Known): Promise<{ passes: GatePass[] | null; failed: boolean }> {
  const { value, failed } = await readKey(id.kind === "plate" ? gateKeys.plate(lotId, id.plate) : gateKeys.reservation(id.claims.rid));
  if (!value) return { passes: null, failed };
  const parsed = JSON.parse(value) as GatePass[] | GatePass;
  return { passes: Array.isArray(parsed) ? parsed : [parsed], failed };
}

const REFUSAL: Partial<Record<ReservationStatus, GateReason>> = {
  pending_payment: "not_paid",
  expired: "not_paid", // a hold that lapsed unpaid
  cancelled: "cancelled",
  no_show: "expired",
  completed: "completed",
};

/** Of a plate's reservations without a pass, the one nearest in time speaks for it. */
function nearest(rows: ReservationForGate[], now: Date) {
  return [...rows].sort((a, b) => Math.abs(a.startTime.getTime() - now.getTime()) - Math.abs(b.startTime.getTime() - now.getTime()))[0]!;
}

export type DbLookup = { passes: GatePass[]; refusal?: GateReason };

/**
 * The slow path, and the source of truth: PostgreSQL's view of the plate or pass, with the reason
 * for a refusal when this lot holds no pass for it (cancelled, unpaid, another lot's, …).
 */
export async function passesFromDb(db: Db, lot: Pick<Lot, "id">, id: Known, now: Date): Promise<DbLookup> {
  if (id.kind === "qr") {
    const [row] = await reservationsWithSpot(db, [id.claims.rid]);
    if (!row) return { passes: [], refusal: "no_reservation" };
    if (row.lotId !== lot.id) return { passes: [], refusal: "wrong_lot" };
    const pass = gatePassOf(row);
    return pass ? { passes: [pass] } : { passes: [], refusal: REFUSAL[row.status] ?? "no_reservation" };
  }
  const rows = await reservationsForPlateSince(db, id.plate, new Date(now.getTime() - 24 * 3600_000));
  const here = rows.filter((r) => r.lotId === lot.id);
  const passes = here.map(gatePassOf).filter((p) => p !== null);
  if (passes.length) return { passes };
  if (here.length) return { passes: [], refusal: REFUSAL[nearest(here, now).status] ?? "no_reservation" };
  if (rows.some((r) => isPassStatus(r.status))) return { passes: [], refusal: "wrong_lot" };
  return { passes: [], refusal: "no_reservation" };
}

/**
 * Store first, PostgreSQL when the store is down or has no key. A miss that PostgreSQL answers
 * with passes means the keys were lost (a Redis restart, a skipped effect): rewrite them after
 * the answer, so the next read of this car is fast again.
 */
export async function findPasses(
  db: Db,
  lot: Pick<Lot, "id">,
  id: Known,
  now: Date,
  /** The store's answer when the caller has read it already (in parallel with other keys). */
  read?: { passes: GatePass[] | null; failed: boolean },
): Promise<DbLookup & { source: "store" | "postgres" }> {
  const stored = read ?? (await passesFromStore(lot.id, id));
  if (stored.passes) return { passes: stored.passes, source: "store" };
  const found = await passesFromDb(db, lot, id, now);
  if (found.passes.length && !stored.failed) {
    const ids = found.passes.map((p) => p.reservation_id);
    afterAnswer("pass repair", () => syncGatePass(db, ids));
  }
  return { ...found, source: "postgres" };
}
