import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "@/db/client";
import { findGatesWithLot } from "@/db/queries/gate-reads";
import { isDatabaseUnavailable } from "@/lib/errors";
import { getRedis } from "@/lib/redis";
import type { RedisLike } from "@/lib/redis/client";
import { entryAnswer, exitAnswer, type CheckInAnswer, type CheckOutAnswer, type GateRead } from "./answers";
import { afterAnswer } from "./background";
import { entryVerdict, exitCharges, exitPass, type GateReason } from "./decide";
import type { GateContext } from "./gate-auth";
import type { GatePass } from "./gate-pass";
import { identify, type Identity } from "./identify";
import type { DbLookup } from "./lookup";
import { recordLiveReads, type LiveRead } from "./record";
import { gateKeys } from "./store";

/**
 * The durable record of an answered read. The step that claims a read at the barrier (GATE_READ,
 * one Redis round trip) also appends `{"read", "found"}` — the read and what the store knew about
 * the car — to a Redis stream. The answer is a pure function of that record and the lot's settings
 * (decideRecord), so the stream entry is as good as the answer: if the process dies after
 * answering, any process can record the same event from it. The app processes drain the stream
 * as one Redis consumer group, in batches (below); `sweepAnsweredReads` (every few seconds, in every
 * process) takes over what a dead or failing consumer left pending.
 */
export type ReadJson = {
  kind: "entry" | "exit";
  gate_id: string;
  lot_id: string;
  identifier: string;
  confidence?: number;
  event_id: string;
  /** when the car was at the barrier (ms since epoch) */
  at: number;
  latency_ms: number;
};
export type GateRecord = { read: ReadJson; found: unknown };

/** A live read as the log keeps it (the latency is added when it is claimed). */
export function liveRead(kind: ReadJson["kind"], ctx: GateContext, input: GateRead): Omit<ReadJson, "latency_ms"> {
  return {
    kind,
    gate_id: ctx.gate.id,
    lot_id: ctx.lot.id,
    identifier: input.identifier,
    ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
    event_id: input.event_id ?? randomUUID(),
    at: Date.now(),
  };
}

/** What the store held (a plate's pass list, a reservation's pass) or PostgreSQL said, as one shape. */
export function foundOf(raw: unknown): DbLookup {
  if (Array.isArray(raw)) return { passes: raw as GatePass[] };
  if (raw && typeof raw === "object" && "passes" in raw) return raw as DbLookup;
  return { passes: raw ? [raw as GatePass] : [] };
}

export const lowConfidenceOf = (ctx: GateContext, identity: Identity, confidence: number | undefined) =>
  identity.kind === "plate" && confidence !== undefined && confidence < ctx.lot.lprConfidenceThreshold;

export type Decided<A> = { answer: A; pass: GatePass | null; identity: Identity };

/**
 * The answer a record stands for: the same inputs give the same answer, in the handler and in the
 * recorder. `known` is the read's identity when the caller has just identified this very read (a
 * QR pass is then not verified twice on the barrier's path).
 */
export async function decideRecord(
  ctx: GateContext,
  rec: GateRecord,
  known?: Identity,
): Promise<Decided<CheckInAnswer> | Decided<CheckOutAnswer>> {
  const { read } = rec;
  const identity = known ?? (await identify(read.identifier));
  const lowConfidence = lowConfidenceOf(ctx, identity, read.confidence);
  const found = foundOf(rec.found);
  const at = new Date(read.at);
  if (read.kind === "entry") {
    const named =
      identity.kind !== "bad" && !lowConfidence && !(identity.kind === "qr" && identity.claims.lot !== ctx.lot.id);
    const verdict = entryVerdict(ctx, identity, lowConfidence, named ? found : null, at);
    return {
      answer: entryAnswer(verdict, ctx.lot, read.event_id),
      pass: verdict.action === "open_barrier" ? verdict.pass : null,
      identity,
    };
  }
  const exit = exitDecision(ctx, identity, lowConfidence, found, at);
  return {
    answer: exitAnswer(exit.pass, exit.pendingCharges, ctx.lot, exit.reason, read.event_id),
    pass: exit.pass,
    identity,
  };
}

/** Who is leaving and what they owe, from what the store or PostgreSQL found; the barrier opens regardless. */
export function exitDecision(ctx: GateContext, identity: Identity, lowConfidence: boolean, found: DbLookup, at: Date) {
  if (identity.kind === "bad")
    return {
      pass: null,
      pendingCharges: 0,
      reason: (identity.reason === "unreadable" ? "unreadable" : "invalid_pass") as GateReason,
    };
  if (identity.kind === "qr" && identity.claims.lot !== ctx.lot.id)
    return { pass: null, pendingCharges: 0, reason: "wrong_lot" as GateReason };
  const pass = exitPass(found.passes, at);
  if (!pass)
    return {
      pass: null,
      pendingCharges: 0,
      reason: (lowConfidence ? "low_confidence" : (found.refusal ?? "no_reservation")) as GateReason,
    };
  return { pass, pendingCharges: exitCharges(pass, ctx.lot, at), reason: undefined };
}

// ---- recording, in batches -------------------------------------------------------------------------

type Item = { ctx: GateContext; rec: GateRecord; logId: string | null };
const BATCH = 200;
/**
 * How long the recorder lets answered reads gather before it drains them (each is durable
 * meanwhile, and a replay or report of one drains at once). Each process records at most a few
 * batches a second, so their fixed cost stays small per read however many processes share the load.
 */
const GATHER_MS = 250;

async function toLive(it: Item): Promise<LiveRead> {
  const d = await decideRecord(it.ctx, it.rec);
  return {
    ctx: it.ctx,
    kind: it.rec.read.kind,
    identity: d.identity,
    pass: d.pass,
    answer: d.answer,
    occurredAt: new Date(it.rec.read.at),
    latencyMs: it.rec.read.latency_ms,
    offline: false,
  };
}

const contexts = new Map<string, { ctx: GateContext | null; until: number }>();
/** The gates' contexts (gate and lot, cached a minute; null for a gate deleted since), in one query for those not cached. */
async function contextsOf(db: Db, gateIds: string[]): Promise<Map<string, GateContext | null>> {
  const now = Date.now();
  const missing = [...new Set(gateIds)].filter((id) => !((contexts.get(id)?.until ?? 0) > now));
  if (missing.length) {
    const rows = new Map((await findGatesWithLot(db, missing)).map((r) => [r.gate.id, { gate: r.gate, lot: r.lot }]));
    for (const id of missing) contexts.set(id, { ctx: rows.get(id) ?? null, until: now + 60_000 });
  }
  return new Map(gateIds.map((id) => [id, contexts.get(id)!.ctx]));
}

export async function contextOf(db: Db, gateId: string): Promise<GateContext | null> {
  return (await contextsOf(db, [gateId])).get(gateId) ?? null;
}

// ---- the stream, drained by a consumer group --------------------------------------------------------
//
// Every process is a consumer of one group on the stream: XREADGROUP hands each entry to exactly
// one of them, which records it and then acknowledges and deletes it (XACK + XDEL). An entry whose
// consumer died, or whose recording failed, stays pending under that consumer; after
// STALE_AFTER_MS any process's sweep takes it over (XAUTOCLAIM) and records it — so nothing
// answered is lost, and no process sweeps what another is still recording.

const GROUP = "recorders";
const CONSUMER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
/** A pending entry idle this long belongs to a dead (or failing) consumer: another takes it. */
const STALE_AFTER_MS = 15_000;
/** Consumers with nothing pending and idle this long (processes gone) are removed from the group. */
const GONE_AFTER_MS = 10 * 60_000;

// KEYS: stream; ARGV: group, consumer, count. New entries for this consumer (creating the group,
// from the stream's start, the first time).
const READ_NEW = `
local function read() return redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>') end
local ok, res = pcall(read)
if not ok then
  if not string.find(tostring(res.err or res), 'NOGROUP') then return redis.error_reply(res.err or tostring(res)) end
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
  res = read()
end
if not res then return {} end
return res[1][2]`;

// KEYS: stream; ARGV: group, consumer, min idle ms, count. Entries pending too long, now this consumer's.
const CLAIM_STALE = `
local ok, res = pcall(redis.call, 'XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
if not ok then
  if string.find(tostring(res.err or res), 'NOGROUP') then return {} end
  return redis.error_reply(res.err or tostring(res))
end
return res[2]`;

// KEYS: stream; ARGV: group, ids…
const DONE = `
redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
return redis.call('XDEL', KEYS[1], unpack(ARGV, 2))`;

// KEYS: stream; ARGV: group, idle ms. Removes consumers with nothing pending that have been idle long.
const FORGET_GONE = `
local ok, list = pcall(redis.call, 'XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if not ok then return 0 end
local n = 0
for _, c in ipairs(list) do
  local f = {}
  for i = 1, #c, 2 do f[c[i]] = c[i + 1] end
  if tonumber(f['pending']) == 0 and tonumber(f['idle']) > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], f['name'])
    n = n + 1
  end
end
return n`;

type Entry = [id: string, fields: string[] | null];

/**
 * Records reads in one batch. When the batch fails for another reason than PostgreSQL being
 * unreachable (a read it refuses, a step failing for one car), the halves are tried on their own,
 * and so on: one bad read must not hold up up to 199 others forever (its batch would fail on every
 * retry). Returns the reads not recorded and why.
 */
async function recordBatch(db: Db, items: Item[]): Promise<{ failed: Item[]; error?: unknown }> {
  if (!items.length) return { failed: [] };
  try {
    await recordLiveReads(db, await Promise.all(items.map(toLive)));
    return { failed: [] };
  } catch (error) {
    if (items.length === 1 || isDatabaseUnavailable(error)) return { failed: items, error };
    const half = Math.ceil(items.length / 2);
    const a = await recordBatch(db, items.slice(0, half));
    if (a.failed.length && isDatabaseUnavailable(a.error))
      return { failed: [...a.failed, ...items.slice(half)], error: a.error };
    const b = await recordBatch(db, items.slice(half));
    return { failed: [...a.failed, ...b.failed], error: a.error ?? b.error };
  }
}

/** A stream entry's record, or null when it is not one. */
function recordOf(id: string, fields: string[]): GateRecord | null {
  try {
    const rec = JSON.parse(fields[1]!) as GateRecord;
    if (rec && typeof rec.read?.gate_id === "string") return rec;
  } catch {
    // below
  }
  // The handler decides from this same text, so its read was answered with an error, never with an
  // event: there is nothing to record, and kept, it would fail its batch on every retry.
  console.error(`[spotkeeper] answered-reads log entry ${id} is not a read record; dropped:`, fields[1]?.slice(0, 200));
  return null;
}

/**
 * Records a batch of stream entries, then acknowledges and deletes those recorded. A read that could
 * not be recorded stays pending: a sweep takes it over once stale and tries again. Throws when
 * PostgreSQL is unreachable (nothing was recorded).
 */
async function recordEntries(db: Db, redis: RedisLike, entries: Entry[]) {
  const done: string[] = [];
  const recs: { id: string; rec: GateRecord }[] = [];
  for (const [id, fields] of entries) {
    const rec = fields ? recordOf(id, fields) : null;
    // (An entry without fields was deleted from the stream meanwhile: recorded already.)
    if (rec) recs.push({ id, rec });
    else done.push(id);
  }
  const ctxs = await contextsOf(
    db,
    recs.map((r) => r.rec.read.gate_id),
  );
  const items: Item[] = [];
  for (const { id, rec } of recs) {
    const ctx = ctxs.get(rec.read.gate_id);
    // A gate deleted with its lot leaves nothing to record its reads against.
    if (ctx) items.push({ ctx, rec, logId: id });
    else done.push(id);
  }
  const { failed, error } = await recordBatch(db, items);
  done.push(...items.filter((it) => !failed.includes(it)).map((it) => it.logId!));
  if (done.length) await redis.eval(DONE, [gateKeys.log()], [GROUP, ...done]);
  if (failed.length && isDatabaseUnavailable(error)) throw error;
  if (failed.length)
    console.error(
      `[spotkeeper] ${failed.length} answered gate reads not recorded (retried once stale): ${failed.map((it) => it.rec.read.event_id).join(", ")}:`,
      (error as Error)?.message,
    );
}

/** Takes new entries batch after batch until none is left; returns how many it recorded. */
async function drainNew(db: Db, redis: RedisLike): Promise<number> {
  let done = 0;
  for (;;) {
    const entries = (await redis.eval(READ_NEW, [gateKeys.log()], [GROUP, CONSUMER, BATCH])) as Entry[];
    await recordEntries(db, redis, entries);
    done += entries.length;
    if (entries.length < BATCH) return done;
  }
}

const g = globalThis as unknown as {
  __spotkeeperRecorder?: { running: Promise<void> | null; again: boolean; scheduled: boolean; unlogged: Item[] };
};
const recorder = (g.__spotkeeperRecorder ??= { running: null, again: false, scheduled: false, unlogged: [] });

/** How many answered reads only this process's memory holds, not recorded yet. */
export const readsHeldInMemory = () => recorder.unlogged.length;

/**
 * Records the reads only this process knows of (claimed in memory: no Redis, or Redis was down),
 * batch after batch until none is left — not only the batch at the head of the queue, which may not
 * hold the caller's read. What fails goes back to the head and is tried again: by the caller's
 * retries, and after those by every sweep (upkeep.ts), so a read PostgreSQL refused for longer than
 * the retries is still recorded once it takes them again. Returns how many were recorded.
 */
async function recordUnlogged(db: Db): Promise<number> {
  let done = 0;
  while (recorder.unlogged.length) {
    const batch = recorder.unlogged.splice(0, BATCH);
    const { failed, error } = await recordBatch(db, batch);
    done += batch.length - failed.length;
    if (failed.length) {
      recorder.unlogged.unshift(...failed);
      throw error;
    }
  }
  return done;
}

/**
 * Drains the stream in this process, one drain at a time: a call while one runs makes it go round
 * once more (and waits for that), so every entry added before the call is taken by the time it
 * resolves — by this process or by another one's drain.
 */
function drain(db: Db): Promise<void> {
  const redis = getRedis();
  if (!redis) return Promise.resolve();
  if (recorder.running) {
    recorder.again = true;
    return recorder.running;
  }
  recorder.running = (async () => {
    try {
      do {
        recorder.again = false;
        await drainNew(db, redis);
        // Reads answered meanwhile: let the next moment's join them before the next batch (a
        // batch costs the same whatever its size; draining each trickle would cost per read).
        if (recorder.again) await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
      } while (recorder.again);
    } finally {
      recorder.running = null;
    }
  })();
  return recorder.running;
}

/** Records, now, every answered read nobody has taken from the log yet (a replay or report waiting on one). */
export const recordAnsweredReads = (db: Db) => drain(db);

/**
 * After the answer: have the answered-reads log drained (this read with every other read answered
 * meanwhile, by any process, in batches). One background task covers every read answered while it
 * runs, so answering costs no per-read recording work. A read only this process knows of (no
 * Redis, or Redis was down: claimed in memory) is recorded from memory and retried by afterAnswer
 * until it is.
 */
export function recordAfterAnswer(db: Db, ctx: GateContext, rec: GateRecord, logId: string | null) {
  if (logId === null) {
    recorder.unlogged.push({ ctx, rec, logId });
    afterAnswer("record", async () => {
      await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
      await recordUnlogged(db);
    });
    return;
  }
  if (recorder.scheduled) {
    recorder.again = true;
    return;
  }
  recorder.scheduled = true;
  afterAnswer("record", async () => {
    try {
      // Recording costs the same per batch whatever its size: let the reads of the next moment join.
      await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
      // A read answered between the drain's last look and here asks again: go round once more.
      do await drain(db);
      while (recorder.again);
    } finally {
      recorder.scheduled = false;
    }
  });
}

/**
 * The backstop, run every few seconds in every process (upkeep.ts): reads this process claimed in
 * memory and has not recorded yet (their recording gave up) are recorded; entries pending longer
 * than `olderThanMs` (their consumer died, or PostgreSQL refused them) are taken over and recorded,
 * and entries nobody has taken yet (their process died before draining) are drained. Idempotent
 * (gate events are unique by event id, workflow events by their id).
 *
 * Returns the reads `recovered` (the first two kinds: a recording that had failed or been
 * abandoned) apart from those `drained`: under load the log always holds reads answered in the
 * last moment, which the recorders would have taken a moment later — not a fault to report.
 */
export async function sweepAnsweredReads(
  db: Db,
  opts: { olderThanMs?: number } = {},
): Promise<{ recovered: number; drained: number }> {
  let recovered = 0;
  // (A read of this process's that still fails must not keep the log below from being swept.)
  const unlogged = await recordUnlogged(db).then(
    (n) => ((recovered += n), null),
    (err: unknown) => ({ err }),
  );
  const redis = getRedis();
  if (!redis) {
    if (unlogged) throw unlogged.err;
    return { recovered, drained: 0 };
  }
  const idle = opts.olderThanMs ?? STALE_AFTER_MS;
  for (;;) {
    const entries = (await redis.eval(CLAIM_STALE, [gateKeys.log()], [GROUP, CONSUMER, idle, BATCH])) as Entry[];
    await recordEntries(db, redis, entries);
    recovered += entries.length;
    if (entries.length < BATCH) break;
  }
  const drained = await drainNew(db, redis);
  await redis.eval(FORGET_GONE, [gateKeys.log()], [GROUP, GONE_AFTER_MS]);
  if (unlogged) throw unlogged.err;
  return { recovered, drained };
}
