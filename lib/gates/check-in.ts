import type { Db } from "@/db/client";
import { enforceTicket, type LimitTicket } from "@/lib/ratelimit";
import { ApiError } from "@/lib/errors";
import type { CheckInAnswer, GateRead } from "./answers";
import { answerRead } from "./dedupe";
import { assertDirection, assertOwnGate, type GateContext } from "./gate-auth";
import { identify, identityKey } from "./identify";
import { liveRead, lowConfidenceOf } from "./read-log";
import { replayEntry } from "./replay";

/**
 * POST /v1/gates/check-in. On the fast path a read costs one round trip to Redis — an earlier
 * answer for the same car or event id, else the car's passes, the claim of the answer and the
 * durable log of the read, in one script — and no PostgreSQL query (dedupe.ts: answerRead). The
 * gate event, the check-in and the workflow event are recorded after the answer, in batches.
 */
export async function checkInAtGate(
  db: Db,
  ctx: GateContext,
  input: GateRead,
  startedAt: number,
  limit?: LimitTicket,
): Promise<CheckInAnswer> {
  assertOwnGate(ctx, input);
  assertDirection(ctx, "entry");
  if (input.offline_decision) {
    if (limit) await enforceTicket(limit);
    return replayEntry(db, ctx, input);
  }

  const identity = await identify(input.identifier);
  if (identity.kind === "bad" && identity.reason === "not_configured") {
    throw new ApiError(
      "not_configured",
      "QR passes are not set up on this server: set QR_SIGNING_KEY to an Ed25519 private key",
    );
  }
  const lowConfidence = lowConfidenceOf(ctx, identity, input.confidence);
  const named =
    identity.kind !== "bad" && !lowConfidence && !(identity.kind === "qr" && identity.claims.lot !== ctx.lot.id)
      ? identity
      : null;
  const read = liveRead("entry", ctx, input);
  // A doubtful read of a plate must not hide a clear read of it a second later: separate keys.
  const recent = identityKey(identity) + (lowConfidence ? ":doubtful" : "");
  return answerRead<CheckInAnswer>(db, ctx, read, Boolean(input.event_id), named, recent, startedAt, limit, identity);
}
