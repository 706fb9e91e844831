import type { z } from "zod";
import type { CheckInOut } from "@/lib/api/gate-schemas";
import type { BarrierOutcome, GateAction } from "./contract";
import type { Db } from "@/db/client";
import { markGateEvent } from "@/db/queries/gate-health";
import { findGateEvent } from "@/db/queries/gates";
import { findReservation } from "@/db/queries/reservations";
import { ApiError } from "@/lib/errors";
import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import { undoCheckIn } from "@/lib/lifecycle/transitions";
import { recordVehicleEntry } from "@/lib/workflows/vehicle-events";
import type { GateContext } from "./gate-auth";
import { identify, identityKey } from "./identify";
import { recordAnsweredReads } from "./read-log";
import { gateKeys, gateStores } from "./store";

/**
 * The barrier's actual action is the truth. The server answers a read, but the bridge may not have
 * carried the answer out: it gave up waiting and decided alone (a slow server), or the relay failed.
 * The bridge reports what the barrier did; the event and the reservation follow it, and a
 * disagreement is flagged on the gate event for operators.
 */

/** How long a live entry's check-in may take to be applied before we stop waiting for it. */
const APPLY_GRACE_MS = 2 * 60_000;

export type BarrierFlag = "barrier_disagreed" | "relay_failed";

const opened = (b: BarrierOutcome) => b === "opened";

/**
 * Applies a report to the recorded event `eventId`: returns the corrected answer (the bridge's action,
 * flagged when it differs). Throws not_ready (425) while the live answer or its check-in is still
 * being recorded, so the bridge sends the report again a moment later.
 */
export async function applyBarrierReport(
  db: Db,
  ctx: GateContext,
  report: { event_id: string; barrier: BarrierOutcome; action: GateAction; identifier?: string },
) {
  let row = await findGateEvent(db, report.event_id);
  if (!row) {
    // Answered live a moment ago and still waiting in the answered-reads log: record it now
    // rather than have the bridge come back (it may already be with another process's recorder).
    await recordAnsweredReads(db);
    row = await findGateEvent(db, report.event_id);
  }
  if (!row)
    throw new ApiError("not_ready", "This read is still being recorded; send the report again in a moment", {
      event_id: report.event_id,
    });
  if (row.gateId !== ctx.gate.id) throw new ApiError("not_found", "No such read at this gate");
  // The stored response is the answer the gate was given, a CheckInOut when it was recorded.
  const answer = (row.response ?? {}) as z.input<typeof CheckInOut>;
  if (row.barrier) return answer;

  const answeredOpen = row.action === "open_barrier";
  const agrees = answeredOpen === opened(report.barrier);
  const flag: BarrierFlag | null =
    report.barrier === "relay_failed" ? "relay_failed" : agrees ? null : "barrier_disagreed";

  if (row.kind === "entry" && row.reservationId && !agrees) {
    const at = row.occurredAt;
    const data = {
      reservation_id: row.reservationId,
      lot_id: row.lotId,
      gate_id: row.gateId,
      event_id: row.eventId,
      occurred_at: at.toISOString(),
    };
    if (answeredOpen) {
      // We checked the car in; the barrier stayed down, so it is outside: undo that check-in.
      const undone = await lifecycleTransaction(db, async (tx) => {
        const r = await findReservation(tx, data.reservation_id, { forUpdate: true });
        if (!r) return true;
        if (r.status === "checked_in" && r.checkedInAt?.getTime() === at.getTime()) {
          await undoCheckIn(tx, r, {
            cause: "gate",
            note: `Gate ${row.gateId} reported the barrier ${report.barrier} for read ${row.eventId}`,
          });
          return true;
        }
        // Still confirmed: the check-in of this read has not run yet (it follows the answer).
        return !(r.status === "confirmed" && Date.now() - row.createdAt.getTime() < APPLY_GRACE_MS);
      });
      if (!undone)
        throw new ApiError(
          "not_ready",
          "The check-in of this read is still being applied; send the report again in a moment",
        );
    } else {
      // We refused, but the bridge opened (our answer came too late): the car is inside.
      await recordVehicleEntry(db, data, "gate");
    }
  }
  const corrected = { ...answer, action: report.action, ...(flag ? { flag } : {}) };
  await markGateEvent(db, row.eventId, { barrier: report.barrier, flag, response: corrected });
  if (!agrees && report.identifier) await forgetRecentAnswer(ctx, report.identifier);
  return corrected;
}

/**
 * The same car read again within the duplicate window gets the first answer; once that answer
 * proved wrong, the driver's next try must be decided afresh, not handed the stale "open".
 */
async function forgetRecentAnswer(ctx: GateContext, identifier: string) {
  const key = identityKey(await identify(identifier));
  const keys = [gateKeys.recent(ctx.gate.id, key), gateKeys.recent(ctx.gate.id, `${key}:doubtful`)];
  const { shared, local } = gateStores();
  await Promise.allSettled([shared.remove(...keys), local.remove(...keys)]);
}
