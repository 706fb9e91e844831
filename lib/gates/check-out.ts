import type { Db } from "@/db/client";
import { enforceTicket, type LimitTicket } from "@/lib/ratelimit";
import type { CheckOutAnswer, GateRead } from "./answers";
import { answerRead } from "./dedupe";
import { assertDirection, assertOwnGate, type GateContext } from "./gate-auth";
import { identify, identityKey } from "./identify";
import { liveRead } from "./read-log";
import { replayExit } from "./replay";

/**
 * POST /v1/gates/check-out: always opens. A doubtful plate read is still used when it matches a
 * pass here (asking for a QR code at an exit would hold up the queue for nothing); the charges are
 * the overstay checkOut will charge, computed from the same inputs (read-log.ts: exitDecision),
 * and settled after the answer. The read path is check-in's (dedupe.ts: answerRead).
 */
export async function checkOutAtGate(
  db: Db,
  ctx: GateContext,
  input: GateRead,
  startedAt: number,
  limit?: LimitTicket,
): Promise<CheckOutAnswer> {
  assertOwnGate(ctx, input);
  assertDirection(ctx, "exit");
  if (input.offline_decision) {
    if (limit) await enforceTicket(limit);
    return replayExit(db, ctx, input);
  }

  const identity = await identify(input.identifier);
  const named =
    identity.kind !== "bad" && !(identity.kind === "qr" && identity.claims.lot !== ctx.lot.id) ? identity : null;
  const read = liveRead("exit", ctx, input);
  return answerRead<CheckOutAnswer>(
    db,
    ctx,
    read,
    Boolean(input.event_id),
    named,
    identityKey(identity),
    startedAt,
    limit,
    identity,
  );
}
