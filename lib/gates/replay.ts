import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { findGateEvent } from "@/db/queries/gates";
import { entryAnswer, exitAnswer, type CheckInAnswer, type CheckOutAnswer, type GateRead } from "./answers";
import { entryVerdict, exitCharges, exitPass } from "./decide";
import { readAnswer } from "./dedupe";
import type { GateContext } from "./gate-auth";
import { identify } from "./identify";
import { passesFromDb } from "./lookup";
import { recordEntry, recordExit } from "./record";
import { gateKeys } from "./store";
import { LOCKS } from "@/db/locks";

/**
 * Offline replays: the bridge decided on its own while it could not reach us and now reports the
 * read with its event id, the time and what it did. Each is recorded exactly once (the event id
 * is unique; a second replay gets the first answer) and applied as of `occurred_at`. They are not
 * on a car's critical path, so they go to PostgreSQL directly and are answered once recorded.
 */

/**
 * Replays of one event id run one at a time (the bridge may resend while the first is still
 * being applied): the second then finds the first's answer instead of racing it through
 * checkOut and recording "already completed". The lock is held on a connection of its own while
 * the work runs on others, and nothing inside takes it, so it cannot deadlock.
 */
function oneAtATime<A>(db: Db, eventId: string, fn: () => Promise<A>): Promise<A> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCKS.gateReplay}, hashtext(${eventId}))`);
    return fn();
  });
}

async function priorAnswer<A>(db: Db, eventId: string): Promise<A | null> {
  const row = await findGateEvent(db, eventId);
  if (row?.response) return row.response as unknown as A;
  // Answered online a moment ago (the bridge gave up waiting) and still being recorded.
  return readAnswer<A>(gateKeys.event(eventId));
}

export function replayEntry(db: Db, ctx: GateContext, input: GateRead): Promise<CheckInAnswer> {
  return oneAtATime(db, input.event_id!, () => applyEntry(db, ctx, input));
}

export function replayExit(db: Db, ctx: GateContext, input: GateRead): Promise<CheckOutAnswer> {
  return oneAtATime(db, input.event_id!, () => applyExit(db, ctx, input));
}

async function applyEntry(db: Db, ctx: GateContext, input: GateRead): Promise<CheckInAnswer> {
  const eventId = input.event_id!;
  const prior = await priorAnswer<CheckInAnswer>(db, eventId);
  if (prior) return prior;
  const at = new Date(input.occurred_at!);
  const identity = await identify(input.identifier);
  const named = identity.kind === "bad" ? null : identity;
  // The bridge already acted on its signed cache; the read's confidence no longer matters.
  const found = named ? await passesFromDb(db, ctx.lot, named, at) : null;
  const verdict = entryVerdict(ctx, identity, false, found, at);
  const opened = input.offline_decision === "open_barrier";
  // The reservation the car came in on, even one we would have refused (too early, expired): it is inside now.
  const pass = opened && verdict.action !== "ask_for_qr" ? (verdict.pass ?? null) : null;
  const answer: CheckInAnswer = {
    ...entryAnswer(verdict, ctx.lot, eventId),
    action: input.offline_decision!,
    message: opened ? "Recorded: the barrier opened while offline." : "Recorded: entry was refused while offline.",
    offline: true,
  };
  return recordEntry(db, { ctx, identity, pass, answer, occurredAt: at, latencyMs: null, offline: true });
}

async function applyExit(db: Db, ctx: GateContext, input: GateRead): Promise<CheckOutAnswer> {
  const eventId = input.event_id!;
  const prior = await priorAnswer<CheckOutAnswer>(db, eventId);
  if (prior) return prior;
  const at = new Date(input.occurred_at!);
  const identity = await identify(input.identifier);
  const named = identity.kind === "bad" || (identity.kind === "qr" && identity.claims.lot !== ctx.lot.id) ? null : identity;
  const found = named ? await passesFromDb(db, ctx.lot, named, at) : { passes: [], refusal: identity.kind === "bad" ? ("unreadable" as const) : ("wrong_lot" as const) };
  const pass = exitPass(found.passes, at);
  const pending = pass ? exitCharges(pass, ctx.lot, at) : 0;
  const answer: CheckOutAnswer = {
    ...exitAnswer(pass, pending, ctx.lot, pass ? undefined : (found.refusal ?? "no_reservation"), eventId),
    message: "Recorded: the car left while offline.",
    offline: true,
  };
  return recordExit(db, { ctx, identity, pass, answer, occurredAt: at, latencyMs: null, offline: true });
}
