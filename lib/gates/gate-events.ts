import type { listGateEvents } from "@/db/queries/gates";

type Row = Awaited<ReturnType<typeof listGateEvents>>[number];

export function gateEventOut(e: Row) {
  return {
    event_id: e.eventId,
    gate_id: e.gateId,
    gate_name: e.gateName,
    kind: e.kind,
    identifier: e.identifier,
    action: e.action,
    reason: e.reason,
    reservation_id: e.reservationId,
    occurred_at: e.occurredAt.toISOString(),
    latency_ms: e.latencyMs,
    offline: e.offline,
    pending_charges: e.pendingCharges,
    currency: e.currency,
    collection: e.collection,
    actor: e.actorName,
    barrier: e.barrier as "opened" | "denied" | "relay_failed" | null,
    flag: e.flag,
  };
}
