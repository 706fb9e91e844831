import { and, eq, gt, inArray, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { gateDevices, lots, reservations, type NewGateEvent } from "../schema";

/**
 * Many gate events in one statement; an event id recorded already is skipped. Returns the ids
 * inserted. The rows travel as one JSON parameter (jsonb_to_recordset), so the statement's text is
 * the same for any batch size: PostgreSQL prepares it once per connection, and no per-value SQL is
 * built here (a 200-row insert had 2,800 parameters, each built by drizzle and planned anew).
 */
export async function insertGateEvents(db: DbOrTx, rows: NewGateEvent[]) {
  if (rows.length === 0) return [];
  const json = JSON.stringify(
    rows.map((r) => ({
      event_id: r.eventId ?? null,
      gate_id: r.gateId,
      lot_id: r.lotId,
      reservation_id: r.reservationId ?? null,
      kind: r.kind,
      identifier: r.identifier,
      action: r.action,
      reason: r.reason ?? null,
      latency_ms: r.latencyMs ?? null,
      occurred_at: r.occurredAt?.toISOString() ?? null,
      offline: r.offline ?? null,
      pending_charges: r.pendingCharges ?? null,
      currency: r.currency ?? null,
      collection: r.collection ?? null,
      actor_id: r.actorId ?? null,
      response: r.response ?? null,
      barrier: r.barrier ?? null,
      flag: r.flag ?? null,
    })),
  );
  const out = await db.execute<{ event_id: string }>(sql`
    insert into gate_events (event_id, gate_id, lot_id, reservation_id, kind, identifier, action, reason, latency_ms,
      occurred_at, offline, pending_charges, currency, collection, actor_id, response, barrier, flag)
    select coalesce(x.event_id, gen_random_uuid()), x.gate_id, x.lot_id, x.reservation_id, x.kind, x.identifier,
      x.action, x.reason, x.latency_ms, coalesce(x.occurred_at, now()), coalesce(x.offline, false),
      x.pending_charges, x.currency, x.collection, x.actor_id, x.response, x.barrier, x.flag
    from jsonb_to_recordset(${json}::jsonb) as x(event_id uuid, gate_id uuid, lot_id uuid, reservation_id uuid,
      kind gate_event_kind, identifier text, action text, reason text, latency_ms int, occurred_at timestamptz,
      offline boolean, pending_charges int, currency text, collection gate_collection, actor_id uuid, response jsonb,
      barrier text, flag text)
    on conflict (event_id) do nothing
    returning event_id`);
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
