import type { Db } from "@/db/client";
import { ackGateCommand, findGate, insertGateCommand, insertGateEvent, pendingGateCommands } from "@/db/queries/gates";
import type { GateCommand } from "@/db/schema";
import { ApiError } from "@/lib/errors";
import type { Caller } from "@/lib/auth/caller";
import type { GateContext } from "./gate-auth";

/**
 * An operator's "open" waits this long for the bridge to pick it up; an older one is dropped, so a
 * bridge back from an outage never lifts the barrier for a car that left long ago.
 */
export const COMMAND_TTL_MS = 60_000;

function commandOut(c: GateCommand & { actorName: string }) {
  return {
    command_id: c.id,
    gate_id: c.gateId,
    command: "open_barrier" as const,
    reason: c.reason,
    issued_at: c.createdAt.toISOString(),
    issued_by: c.actorName,
    acked_at: c.ackedAt?.toISOString() ?? null,
  };
}

/** POST /v1/gates/{gateId}/open: the command for the bridge, and the event log entry naming the operator. */
export async function openGateByHand(db: Db, caller: Caller, gateId: string, reason: string) {
  const gate = await findGate(db, gateId);
  if (!gate) throw new ApiError("not_found", "Gate not found");
  const command = await db.transaction(async (tx) => {
    const c = await insertGateCommand(tx, { gateId, command: "open_barrier", reason, actorId: caller.id });
    await insertGateEvent(tx, {
      gateId,
      lotId: gate.lotId,
      kind: "manual_open",
      identifier: "manual",
      action: "open_barrier",
      reason,
      actorId: caller.id,
      occurredAt: c.createdAt,
    });
    return c;
  });
  return commandOut({ ...command, actorName: caller.name });
}

/** GET /v1/gates/commands: what this gate should do now, oldest first. */
export async function commandsFor(db: Db, ctx: GateContext, now = new Date()) {
  const rows = await pendingGateCommands(db, ctx.gate.id, new Date(now.getTime() - COMMAND_TTL_MS));
  return rows.map(commandOut);
}

/** POST /v1/gates/commands/{id}/ack: done; acknowledging twice keeps the first time. */
export async function ackCommand(db: Db, ctx: GateContext, commandId: string) {
  const row = await ackGateCommand(db, ctx.gate.id, commandId);
  if (!row) throw new ApiError("not_found", "Command not found");
  return { command_id: row.id, acked_at: row.ackedAt!.toISOString() };
}
