import type { Db } from "@/db/client";
import { insertGateEvents } from "@/db/queries/gate-reads";
import { findGateEvent, insertGateEvent, overstayChargeStatus } from "@/db/queries/gates";
import type { GateCollection } from "@/db/schema";
import type { VehicleMovementData } from "@/inngest/events";
import { inngestConfigured, sendEvent, sendEvents } from "@/lib/workflows/send-event";
import {
  recordVehicleEntries,
  recordVehicleEntry,
  recordVehicleExit,
  recordVehicleExits,
  type ExitOutcome,
} from "@/lib/workflows/vehicle-events";
import type { CheckInAnswer, CheckOutAnswer } from "./answers";
import type { GateContext } from "./gate-auth";
import type { GatePass } from "./gate-pass";
import { identityLabel, type Identity } from "./identify";

/**
 * What a read does to its reservation (checked in, or checked out with refund/overstay) is done by
 * the consumers of parking/vehicle.entered|exited (lib/workflows/vehicle-events.ts), each
 * idempotent (the event id is Inngest's idempotency key; a consumer is a no-op the second time):
 *
 * - Live reads are recorded in batches (recordLiveReads, below): the entries are checked in by the
 *   recorder itself, all in one statement, and the movements are then published (with Inngest) for
 *   the exits' consumer to settle each car's money; without Inngest, or when it cannot be reached,
 *   the exits are checked out here, so a car is never left "not entered" or "not left".
 * - An offline replay (recordEntry, recordExit; replay.ts is their caller) applies its movement here
 *   first, because the bridge is told "recorded" only once it is and operators must see what an
 *   offline exit's charges came to; the event follows.
 */

type Common = {
  ctx: GateContext;
  identity: Identity;
  /** The reservation the barrier let in or out for, if any. */
  pass: GatePass | null;
  occurredAt: Date;
  latencyMs: number | null;
  offline: boolean;
};

type Movement = "parking/vehicle.entered" | "parking/vehicle.exited";

const movement = (r: Common, eventId: string, reservationId: string): VehicleMovementData => ({
  reservation_id: reservationId,
  lot_id: r.ctx.lot.id,
  gate_id: r.ctx.gate.id,
  event_id: eventId,
  occurred_at: r.occurredAt.toISOString(),
});

const apply = (db: Db, name: Movement, data: VehicleMovementData) =>
  name === "parking/vehicle.entered" ? recordVehicleEntry(db, data, "gate") : recordVehicleExit(db, data, "gate");

/** Publishes a movement already applied here, for its other consumers; a failure only loses the notice. */
async function publish(name: Movement, data: VehicleMovementData) {
  try {
    await sendEvent({ name, data, id: data.event_id });
  } catch (err) {
    console.warn(`[spotkeeper] ${name} ${data.event_id} not published:`, (err as Error).message);
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
 * Records an offline replay's entry once per event id: the check-in is applied first (see above),
 * then the event. Returns the answer as first recorded.
 */
export async function recordEntry(db: Db, r: Common & { answer: CheckInAnswer }): Promise<CheckInAnswer> {
  const data =
    r.answer.action === "open_barrier" && r.pass ? movement(r, r.answer.event_id, r.pass.reservation_id) : null;
  if (data) await apply(db, "parking/vehicle.entered", data);
  const row = await insertGateEvent(db, eventRow(r, "entry", r.answer));
  if (!row) return (await findGateEvent(db, r.answer.event_id))!.response as unknown as CheckInAnswer;
  if (data) await publish("parking/vehicle.entered", data);
  return r.answer;
}

async function collectionOf(db: Db, outcome: ExitOutcome | null): Promise<GateCollection> {
  // A car that left while we could not tell who it was, or for a reservation that could not be
  // checked out, may owe something nobody can be charged for: operators reconcile these.
  if (!outcome || outcome.outcome === "ignored") return "unable_to_collect";
  if (outcome.outcome === "already_completed" || outcome.pending_charges === 0) return "nothing_due";
  const status = await overstayChargeStatus(db, outcome.reservation_id);
  if (status === "succeeded") return "collected_offline";
  return status === "pending" ? "pending" : "unable_to_collect";
}

/**
 * Records an offline replay's exit once per event id: the car is checked out first and the event
 * marked with what became of its charges. Returns the answer as first recorded.
 */
export async function recordExit(db: Db, r: Common & { answer: CheckOutAnswer }): Promise<CheckOutAnswer> {
  const data = r.pass ? movement(r, r.answer.event_id, r.pass.reservation_id) : null;
  const outcome = data ? ((await apply(db, "parking/vehicle.exited", data)) as ExitOutcome) : null;
  const extra = {
    pendingCharges: outcome?.outcome === "completed" ? outcome.pending_charges : r.answer.pending_charges,
    collection: await collectionOf(db, outcome),
  };
  const row = await insertGateEvent(db, { ...eventRow(r, "exit", r.answer), ...extra, currency: r.answer.currency });
  if (!row) return (await findGateEvent(db, r.answer.event_id))!.response as unknown as CheckOutAnswer;
  if (data) await publish("parking/vehicle.exited", data);
  return r.answer;
}

export type LiveRead = Common & { kind: "entry" | "exit"; answer: CheckInAnswer | CheckOutAnswer };

/**
 * Records a batch of live reads (answered at the barrier) at a cost that does not grow with the
 * batch: one insert of the gate events; one statement checking in every car let in
 * (recordVehicleEntries), whose passes are rewritten together after it; one call publishing the
 * movements (Inngest, event id = idempotency key). Exits are checked out by the vehicle.exited
 * consumer (Inngest, in batches), or here without it (recordVehicleExits: the cars inside in one
 * transaction). Safe to repeat: the reads stay in the answered-reads log until this
 * returns, and a second run inserts no event (unique event id), checks no one in or out twice (only
 * confirmed, or checked-in, rows move; ledger keys are unique) and publishes nothing new
 * (idempotency keys).
 */
export async function recordLiveReads(db: Db, reads: LiveRead[]) {
  await insertGateEvents(
    db,
    reads.map((r) => {
      const row = eventRow(r, r.kind, r.answer);
      return r.kind === "exit"
        ? {
            ...row,
            pendingCharges: (r.answer as CheckOutAnswer).pending_charges,
            currency: (r.answer as CheckOutAnswer).currency,
          }
        : row;
    }),
  );
  const entered = new Map<string, VehicleMovementData>();
  const exited: VehicleMovementData[] = [];
  for (const r of reads) {
    if (!r.pass) continue;
    const data = movement(r, r.answer.event_id, r.pass.reservation_id);
    if (r.kind === "exit") exited.push(data);
    else if (r.answer.action === "open_barrier" && !entered.has(data.reservation_id))
      entered.set(data.reservation_id, data);
  }
  await recordVehicleEntries(db, [...entered.values()], "gate");
  if (inngestConfigured()) {
    const events = [
      ...[...entered.values()].map((data) => ({ name: "parking/vehicle.entered" as const, data, id: data.event_id })),
      ...exited.map((data) => ({ name: "parking/vehicle.exited" as const, data, id: data.event_id })),
    ];
    try {
      await sendEvents(events);
      return;
    } catch (err) {
      console.warn(
        `[spotkeeper] ${events.length} gate movements not published; applying the exits here:`,
        (err as Error).message,
      );
    }
  }
  // Without Inngest the in-process scheduler's queue dies with the process: apply the exits here,
  // before the reads leave the log (the entries are applied above in either case).
  await recordVehicleExits(db, exited, "gate");
}
