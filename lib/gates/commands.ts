import type { Db } from "@/db/client";
import { ackGateCommandResult, findGateCommand } from "@/db/queries/gate-health";
import { findGate, insertGateCommand, insertGateEvent, pendingGateCommands } from "@/db/queries/gates";
import type { GateCommand } from "@/db/schema";
import { CommandAckInput } from "@/lib/api/gate-schemas";
import { ApiError } from "@/lib/errors";
import type { Caller } from "@/lib/auth/caller";
import type { GateContext } from "./gate-auth";

/**
 * An operator's "open" waits this long for the bridge to pick it up; an older one is dropped, so a
 * bridge back from an outage never lifts the barrier for a car that is no longer there. A bridge
 * polls every second or two, so a few seconds is enough for a gate that is online at all.
 */
export const COMMAND_TTL_MS = 10_000;

function commandOut(c: GateCommand & { actorName: string }) {
  return {
    command_id: c.id,
    gate_id: c.gateId,
    command: "open_barrier" as const,
    reason: c.reason,
    issued_at: c.createdAt.toISOString(),
    issued_by: c.actorName,
    acked_at: c.ackedAt?.toISOString() ?? null,
    expires_at: new Date(c.createdAt.getTime() + COMMAND_TTL_MS).toISOString(),
    result: (c.result as "executed" | "failed" | null) ?? null,
    failure: c.failure ?? null,
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

/** An ack's body: `{result, failure?}`; empty (as bridges before issue 11 send it) means executed. */
export function parseAck(text: string) {
  let raw: unknown = {};
  try {
    raw = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new ApiError("bad_request", "Request body is not valid JSON");
  }
  return CommandAckInput.parse(raw);
}

/** POST /v1/gates/commands/{id}/ack: executed or failed; acknowledging twice keeps the first. */
export async function ackCommand(
  db: Db,
  ctx: GateContext,
  commandId: string,
  ack: { result: "executed" | "failed"; failure?: string },
) {
  const row = await ackGateCommandResult(db, ctx.gate.id, commandId, ack.result, ack.failure ?? null);
  if (!row) throw new ApiError("not_found", "Command not found");
  return {
    command_id: row.id,
    acked_at: row.ackedAt!.toISOString(),
    result: row.result as "executed" | "failed" | null,
    failure: row.failure,
  };
}

/** GET /v1/gates/{gateId}/commands/{commandId}: an operator follows up on an "open". */
export async function commandStatus(db: Db, gateId: string, commandId: string) {
  const row = await findGateCommand(db, gateId, commandId);
  if (!row) throw new ApiError("not_found", "Command not found");
  return commandOut(row);
}
