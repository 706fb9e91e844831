import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { exitAnswer, type CheckOutAnswer, type GateRead } from "./answers";
import { afterAnswer } from "./background";
import { exitCharges, exitPass, type GateReason } from "./decide";
import { claimAnswer, readAnswer, rememberAnswer } from "./dedupe";
import { assertDirection, assertOwnGate, type GateContext } from "./gate-auth";
import type { GatePass } from "./gate-pass";
import { identify, identityKey, type Identity } from "./identify";
import { findPasses, passesFromStore } from "./lookup";
import { recordExit } from "./record";
import { replayExit } from "./replay";
import { gateKeys } from "./store";

/** Who is leaving and what they owe; never throws for want of an answer — the barrier opens regardless. */
export async function exitVerdict(
  db: Db,
  ctx: GateContext,
  identity: Identity,
  lowConfidence: boolean,
  at: Date,
  read?: { passes: GatePass[] | null; failed: boolean } | null,
): Promise<{ pass: GatePass | null; pendingCharges: number; reason?: GateReason }> {
  if (identity.kind === "bad") return { pass: null, pendingCharges: 0, reason: identity.reason === "unreadable" ? "unreadable" : "invalid_pass" };
  if (identity.kind === "qr" && identity.claims.lot !== ctx.lot.id) return { pass: null, pendingCharges: 0, reason: "wrong_lot" };
  let found: { passes: GatePass[]; refusal?: GateReason };
  try {
    found = await findPasses(db, ctx.lot, identity, at, read ?? undefined);
  } catch (err) {
    // PostgreSQL down as well: the car still leaves; the event is recorded when it is back.
    console.warn("[spotkeeper] exit lookup failed; opening without a reservation:", (err as Error).message);
    found = { passes: [] };
  }
  const pass = exitPass(found.passes, at);
  if (!pass) return { pass: null, pendingCharges: 0, reason: lowConfidence ? "low_confidence" : (found.refusal ?? "no_reservation") };
  return { pass, pendingCharges: exitCharges(pass, ctx.lot, at) };
}

/**
 * POST /v1/gates/check-out: always opens. A doubtful plate read is still used when it matches a
 * pass here (asking for a QR code at an exit would hold up the queue for nothing); the charges are
 * the overstay checkOut will charge, computed from the same inputs, and settled after the answer.
 */
export async function checkOutAtGate(db: Db, ctx: GateContext, input: GateRead, startedAt: number): Promise<CheckOutAnswer> {
  assertOwnGate(ctx, input);
  assertDirection(ctx, "exit");
  if (input.offline_decision) return replayExit(db, ctx, input);

  const now = new Date();
  const identity = await identify(input.identifier);
  const lowConfidence = identity.kind === "plate" && input.confidence !== undefined && input.confidence < ctx.lot.lprConfidenceThreshold;
  const recentKey = gateKeys.recent(ctx.gate.id, identityKey(identity));
  const eventKey = input.event_id ? gateKeys.event(input.event_id) : null;
  const named = identity.kind !== "bad" && !(identity.kind === "qr" && identity.claims.lot !== ctx.lot.id) ? identity : null;

  const [earlier, recent, stored] = await Promise.all([
    eventKey ? readAnswer<CheckOutAnswer>(eventKey) : null,
    readAnswer<CheckOutAnswer>(recentKey),
    named ? passesFromStore(ctx.lot.id, named) : null,
  ]);
  if (earlier) return earlier;
  if (recent) return rememberAnswer(eventKey, recent);

  const { pass, pendingCharges, reason } = await exitVerdict(db, ctx, identity, lowConfidence, now, stored);
  const answer = exitAnswer(pass, pendingCharges, ctx.lot, reason, input.event_id ?? randomUUID());
  const first = await claimAnswer(recentKey, eventKey, answer);
  if (first) return first;
  const latencyMs = Math.round(performance.now() - startedAt);
  afterAnswer("exit record", async () => {
    await recordExit(db, { ctx, identity, pass, answer, occurredAt: now, latencyMs, offline: false });
  });
  return answer;
}
