import type { Db } from "@/db/client";
import { reservationsForPlateSince, reservationsWithSpot, type ReservationForGate } from "@/db/queries/gates";
import type { Lot, ReservationStatus } from "@/db/schema";
import type { GateReason } from "./decide";
import { gatePassOf, isPassStatus, type GatePass } from "./gate-pass";
import type { Identity } from "./identify";

type Known = Extract<Identity, { kind: "plate" | "qr" }>;

const REFUSAL: Partial<Record<ReservationStatus, GateReason>> = {
  pending_payment: "not_paid",
  expired: "not_paid", // a hold that lapsed unpaid
  cancelled: "cancelled",
  no_show: "expired",
  completed: "completed",
};

/** Of a plate's reservations without a pass, the one nearest in time speaks for it. */
function nearest(rows: ReservationForGate[], now: Date) {
  return [...rows].sort(
    (a, b) => Math.abs(a.startTime.getTime() - now.getTime()) - Math.abs(b.startTime.getTime() - now.getTime()),
  )[0]!;
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
