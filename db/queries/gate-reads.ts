import { and, eq, gt, inArray, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { gateDevices, gateEvents, lots, reservations, type NewGateEvent } from "../schema";
import { insertJsonRows } from "./json-rows";

/** Many gate events in one statement (insertJsonRows); an event id recorded already is skipped. Returns the ids inserted. */
export async function insertGateEvents(db: DbOrTx, rows: NewGateEvent[]) {
  if (rows.length === 0) return [];
  const out = await db.execute<{ event_id: string }>(
    sql`${insertJsonRows(gateEvents, rows)} on conflict (event_id) do nothing returning event_id`,
  );
  return [...out].map((r) => r.event_id);
}

/** Gates and their lots by the gates' ids (the recorder of logged reads has no secret to look them up by). */
export async function findGatesWithLot(db: DbOrTx, gateIds: string[]) {
  if (gateIds.length === 0) return [];
  return db
    .select({
      gate: { id: gateDevices.id, lotId: gateDevices.lotId, name: gateDevices.name, direction: gateDevices.direction },
      lot: lots,
    })
    .from(gateDevices)
    .innerJoin(lots, eq(lots.id, gateDevices.lotId))
    .where(inArray(gateDevices.id, gateIds));
}

/** Plates of every reservation (any status, any lot) not ended more than a day ago, or changed since `since`. */
export async function recentPlates(db: DbOrTx, since?: Date) {
  const rows = await db
    .selectDistinct({ plate: reservations.licensePlate })
    .from(reservations)
    .where(
      and(
        isNotNull(reservations.licensePlate),
        since ? gt(reservations.updatedAt, since) : gt(reservations.endTime, sql`now() - interval '1 day'`),
      ),
    );
  return rows.map((r) => r.plate!);
}

/** Which of these reservations changed after `since` (a reconciliation's snapshot may be stale for them). */
export async function changedSince(db: DbOrTx, ids: string[], since: Date) {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: reservations.id })
    .from(reservations)
    .where(and(inArray(reservations.id, ids), gt(reservations.updatedAt, since)));
  return rows.map((r) => r.id);
}
