import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { ApiError } from "@/lib/errors";
import { entryAnswer, type CheckInAnswer, type GateRead } from "./answers";
import { afterAnswer } from "./background";
import { entryVerdict, type GateReason } from "./decide";
import { claimAnswer, readAnswer, rememberAnswer } from "./dedupe";
import { assertDirection, assertOwnGate, type GateContext } from "./gate-auth";
import type { GatePass } from "./gate-pass";
import { identify, identityKey } from "./identify";
import { findPasses, passesFromStore } from "./lookup";
import { recordEntry } from "./record";
import { replayEntry } from "./replay";
import { gateKeys } from "./store";

/**
 * POST /v1/gates/check-in. On the fast path a read costs one round trip to Redis (the pass, an
 * earlier answer for the same car, an earlier answer for the same event id — in parallel) and one
 * more to claim the answer; PostgreSQL is asked only on a miss. The event, the check-in and the
 * workflow event are recorded after the answer.
 */
export async function checkInAtGate(db: Db, ctx: GateContext, input: GateRead, startedAt: number): Promise<CheckInAnswer> {
  assertOwnGate(ctx, input);
  assertDirection(ctx, "entry");
  if (input.offline_decision) return replayEntry(db, ctx, input);

  const now = new Date();
  const identity = await identify(input.identifier);
  if (identity.kind === "bad" && identity.reason === "not_configured") {
    throw new ApiError("not_configured", "QR passes are not set up on this server: set QR_SIGNING_KEY to an Ed25519 private key");
  }
  const lowConfidence = identity.kind === "plate" && input.confidence !== undefined && input.confidence < ctx.lot.lprConfidenceThreshold;
  // A doubtful read of a plate must not hide a clear read of it a second later: separate keys.
  const recentKey = gateKeys.recent(ctx.gate.id, identityKey(identity) + (lowConfidence ? ":doubtful" : ""));
  const eventKey = input.event_id ? gateKeys.event(input.event_id) : null;
  const named = identity.kind !== "bad" && !lowConfidence && !(identity.kind === "qr" && identity.claims.lot !== ctx.lot.id) ? identity : null;

  const [earlier, recent, stored] = await Promise.all([
    eventKey ? readAnswer<CheckInAnswer>(eventKey) : null,
    readAnswer<CheckInAnswer>(recentKey),
    named ? passesFromStore(ctx.lot.id, named) : null,
  ]);
  if (earlier) return earlier;
  if (recent) return rememberAnswer(eventKey, recent);

  let found: { passes: GatePass[]; refusal?: GateReason } | null = null;
  if (named) found = await findPasses(db, ctx.lot, named, now, stored ?? undefined);
  const verdict = entryVerdict(ctx, identity, lowConfidence, found, now);
  const answer = entryAnswer(verdict, ctx.lot, input.event_id ?? randomUUID());

  const first = await claimAnswer(recentKey, eventKey, answer);
  if (first) return first;
  const latencyMs = Math.round(performance.now() - startedAt);
  const pass = verdict.action === "open_barrier" ? verdict.pass : null;
  afterAnswer("entry record", async () => {
    await recordEntry(db, { ctx, identity, pass, answer, occurredAt: now, latencyMs, offline: false });
  });
  return answer;
}
