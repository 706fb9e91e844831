import { getDb, type Db } from "@/db/client";
import { enforceTicket, foldLimit, type LimitTicket } from "@/lib/ratelimit";
import { afterAnswer } from "./background";
import type { GateContext } from "./gate-auth";
import type { Identity } from "./identify";
import { KvUnavailableError, type ReadKeys, type ReadOutcome } from "./kv";
import { passesFromDb, type DbLookup } from "./lookup";
import { reconcileLotSoon } from "./pass-reconcile";
import { contextOf, decideRecord, recordAfterAnswer, type Decided, type GateRecord, type ReadJson } from "./read-log";
import { gateKeys, gateStores } from "./store";
import { syncGatePass } from "./sync-gate-pass";

/** The same car read again at the same gate within this time is the same event, answered alike. */
export const DUPLICATE_WINDOW_SECONDS = 5;
/** An answer stays findable by the bridge's event id this long, for a replay of a read we answered. */
export const EVENT_ANSWER_TTL_SECONDS = 24 * 3600;

/**
 * The answer stored under an event id, for a replay of a read answered online. The key holds the
 * read's record (read-log.ts), from which the answer is decided again exactly as it was.
 */
export async function readAnswer<A>(key: string): Promise<A | null> {
  const { shared, local } = gateStores();
  let value: string | null;
  try {
    value = await shared.get(key);
  } catch {
    value = await local.get(key);
  }
  if (!value) return null;
  const parsed = JSON.parse(value) as A | GateRecord;
  if (!(parsed && typeof parsed === "object" && "read" in parsed)) return parsed as A;
  const ctx = await contextOf(await getDb(), parsed.read.gate_id);
  return ctx ? ((await decideRecord(ctx, parsed)).answer as A) : null;
}

type Known = Extract<Identity, { kind: "plate" | "qr" }>;

/**
 * A live read, start to answer: one round trip to the store (kv.read) counts the gate's rate
 * limit, answers a duplicate, or claims the read and logs it with the car's passes. Only when the
 * store cannot vouch for the car (no pass key, and the plate may have a reservation) is PostgreSQL
 * asked, and the read claimed with what it said (a second round trip). While Redis is down, this
 * process's memory claims and PostgreSQL decides. The record is then written to gate_events after
 * the answer.
 */
export async function answerRead<A>(
  db: Db,
  ctx: GateContext,
  read: Omit<ReadJson, "latency_ms">,
  /** the bridge sent the event id (then a replay of it must find this answer) */
  bridgeEventId: boolean,
  named: Known | null,
  recentIdentity: string,
  startedAt: number,
  /** The gate's rate limit, counted in the same round trip (see LimitTicket). */
  limit?: LimitTicket,
  /** The read's identity, as the handler found it (reused when the read is decided from its own record). */
  identity?: Identity,
): Promise<A> {
  const keys: ReadKeys = {
    event: bridgeEventId ? gateKeys.event(read.event_id) : null,
    recent: gateKeys.recent(ctx.gate.id, recentIdentity),
    pass: named
      ? named.kind === "plate"
        ? gateKeys.plate(ctx.lot.id, named.plate)
        : gateKeys.reservation(named.claims.rid)
      : null,
    lotLoaded: gateKeys.lotLoaded(ctx.lot.id),
    knownPlates: gateKeys.knownPlates(),
    knownComplete: gateKeys.knownComplete(),
    log: gateKeys.log(),
  };
  const plate = named?.kind === "plate" ? named.plate : null;
  const ttl = { duplicateTtl: DUPLICATE_WINDOW_SECONDS, eventTtl: EVENT_ANSWER_TTL_SECONDS };
  const json = () => JSON.stringify({ ...read, latency_ms: Math.round(performance.now() - startedAt) });
  const { shared, local } = gateStores();

  let kv = shared;
  let outcome: ReadOutcome;
  const folded = limit && kv !== local ? foldLimit(limit) : null;
  // Where the script does not count the gate's limit (no Redis, or Redis is down) it is counted on
  // its own, before the read is claimed: a read refused 429 after its claim in memory would answer
  // a retry of its event id as a duplicate — an answered read that nothing records.
  try {
    if (limit && !folded) await enforceTicket(limit);
    outcome = await shared.read(keys, json(), { plate, ...ttl, ...(folded ? { limit: folded } : {}) });
    if (folded && outcome.limit) folded.settle(outcome.limit); // throws the 429 when the limit is spent
  } catch (err) {
    if (!(err instanceof KvUnavailableError)) throw err;
    kv = local;
    if (limit) await enforceTicket(limit);
    outcome = await local.read(keys, json(), { plate, ...ttl });
  }
  if (outcome.kind === "limited") throw new Error("the gate store refused a read without its limit's counts");
  if (outcome.kind === "miss") {
    const found: DbLookup = named ? await passesFromDb(db, ctx.lot, named, new Date(read.at)) : { passes: [] };
    if (found.passes.length && kv === shared) {
      // The store lacked keys PostgreSQL has: rewrite them after the answer, so the next read is fast.
      const ids = found.passes.map((p) => p.reservation_id);
      afterAnswer("pass repair", () => syncGatePass(db, ids));
    }
    try {
      outcome = await kv.read(keys, json(), { plate, found: JSON.stringify(found), ...ttl });
    } catch {
      kv = local;
      outcome = await local.read(keys, json(), { plate, found: JSON.stringify(found), ...ttl });
    }
    if (outcome.kind === "miss" || outcome.kind === "limited")
      throw new Error("the gate store answered a miss for a read with its passes");
  }
  const record = JSON.parse(outcome.record) as GateRecord;
  // A duplicate is decided from the earlier read's record, whose identifier may differ.
  const decided = (await decideRecord(ctx, record, outcome.kind === "new" ? identity : undefined)) as Decided<A>;
  if (outcome.kind === "new") {
    recordAfterAnswer(db, ctx, record, outcome.logId);
    if (!outcome.lotLoaded && kv === shared) reconcileLotSoon(db, ctx.lot.id);
  }
  return decided.answer;
}
