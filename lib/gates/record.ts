import type { Db } from "@/db/client";
import { findGateEvent, insertGateEvent, overstayChargeStatus } from "@/db/queries/gates";
import type { GateCollection } from "@/db/schema";
import type { VehicleMovementData } from "@/inngest/events";
import { sendEvent } from "@/lib/workflows/send-event";
import { recordVehicleEntry, recordVehicleExit, type ExitOutcome } from "@/lib/workflows/vehicle-events";
import type { CheckInAnswer, CheckOutAnswer } from "./answers";
import type { GateContext } from "./gate-auth";
import type { GatePass } from "./gate-pass";
import type { Identity } from "./identify";
import { identityLabel } from "./identify";

type Common = {
  ctx: GateContext;
  identity: Identity;
  /** The reservation the barrier let in or out for, if any. */
  pass: GatePass | null;
  occurredAt: Date;
  latencyMs: number | null;
  offline: boolean;
};

const movement = (r: Common, eventId: string, reservationId: string): VehicleMovementData => ({
  reservation_id: reservationId,
  lot_id: r.ctx.lot.id,
  gate_id: r.ctx.gate.id,
  event_id: eventId,
  occurred_at: r.occurredAt.toISOString(),
});

// The transition is made here already (so a gate works with Inngest unreachable); the workflow
// event tells the workflows, whose consumers find it done and change nothing.
async function publish(name: "parking/vehicle.entered" | "parking/vehicle.exited", data: VehicleMovementData) {
  try {
    await sendEvent({ name, data, id: data.event_id });
  } catch (err) {
    console.warn(`[spotkeeper] ${name} ${data.event_id} not published (already recorded in PostgreSQL):`, (err as Error).message);
  }
}

function eventRow(r: Common, kind: "entry" | "exit", answer: CheckInAnswer | CheckOutAnswer) {
  return {
    eventId: answer.event_id,
    gateId: r.ctx.gate.id,
    lotId: r.ctx.lot.id,
    reservationId: answer.reservation_id ?? null,
    kind,
    identifier: identityLabel(r.identity),
    action: answer.action,
    reason: answer.reason ?? null,
    latencyMs: r.latencyMs,
    occurredAt: r.occurredAt,
    offline: r.offline,
    response: answer as unknown as Record<string, unknown>,
  };
}

/**
 * Checks the reservation in at the moment of the read when the barrier opened for a booked car,
 * then records the decision once per event id. The transition goes first because it is idempotent
 * (a retry or a replay of the same read finds it done) while the event row is the "recorded"
 * mark: a failure in between leaves nothing that would stop a retry from finishing the job.
 * Returns the answer as first recorded.
 */
export async function recordEntry(db: Db, r: Common & { answer: CheckInAnswer }): Promise<CheckInAnswer> {
  const data = r.answer.action === "open_barrier" && r.pass ? movement(r, r.answer.event_id, r.pass.reservation_id) : null;
  if (data) await recordVehicleEntry(db, data, "gate");
  const row = await insertGateEvent(db, eventRow(r, "entry", r.answer));
  if (!row) return (await findGateEvent(db, r.answer.event_id))!.response as unknown as CheckInAnswer;
  if (data) await publish("parking/vehicle.entered", data);
  return r.answer;
}

async function collectionOf(db: Db, outcome: ExitOutcome | null, offline: boolean): Promise<GateCollection> {
  // A car that left while we could not tell who it was, or for a reservation that could not be
  // checked out, may owe something nobody can be charged for: operators reconcile these.
  if (!outcome || outcome.outcome === "ignored") return offline ? "unable_to_collect" : "nothing_due";
  if (outcome.outcome === "already_completed" || outcome.pending_charges === 0) return "nothing_due";
  const status = await overstayChargeStatus(db, outcome.reservation_id);
  if (status === "succeeded") return offline ? "collected_offline" : "collected";
  return status === "pending" ? "pending" : "unable_to_collect";
}

/**
 * Completes the reservation at the moment of the read (checkOut: a refund for leaving early, the
 * overstay charged off-session), then records the exit once per event id with what became of the
 * charges. Same order and reasons as recordEntry. Returns the answer as first recorded.
 */
export async function recordExit(db: Db, r: Common & { answer: CheckOutAnswer }): Promise<CheckOutAnswer> {
  const data = r.pass ? movement(r, r.answer.event_id, r.pass.reservation_id) : null;
  const outcome = data ? await recordVehicleExit(db, data, "gate") : null;
  const charged = outcome?.outcome === "completed" ? outcome.pending_charges : r.answer.pending_charges;
  const row = await insertGateEvent(db, {
    ...eventRow(r, "exit", r.answer),
    pendingCharges: charged,
    currency: r.answer.currency,
    collection: await collectionOf(db, outcome, r.offline),
  });
  if (!row) return (await findGateEvent(db, r.answer.event_id))!.response as unknown as CheckOutAnswer;
  if (data) await publish("parking/vehicle.exited", data);
  return r.answer;
}
