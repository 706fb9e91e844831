import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { findGateWithLot } from "@/db/queries/gate-reads";
import { getRedis } from "@/lib/redis";
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
 * answering, any process can record the same event from it. Each process records its own reads
 * right after answering, in batches, and deletes their entries; `sweepAnsweredReads` (every few
 * seconds, in every process, one at a time) records whatever stayed in the stream longer than that.
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

/** The answer a record stands for: the same inputs give the same answer, in the handler and in the recorder. */
export async function decideRecord(ctx: GateContext, rec: GateRecord): Promise<Decided<CheckInAnswer> | Decided<CheckOutAnswer>> {
  const { read } = rec;
  const identity = await identify(read.identifier);
  const lowConfidence = lowConfidenceOf(ctx, identity, read.confidence);
  const found = foundOf(rec.found);
  const at = new Date(read.at);
  if (read.kind === "entry") {
    const named = identity.kind !== "bad" && !lowConfidence && !(identity.kind === "qr" && identity.claims.lot !== ctx.lot.id);
    const verdict = entryVerdict(ctx, identity, lowConfidence, named ? found : null, at);
    return { answer: entryAnswer(verdict, ctx.lot, read.event_id), pass: verdict.action === "open_barrier" ? verdict.pass : null, identity };
  }
  const exit = exitDecision(ctx, identity, lowConfidence, found, at);
  return { answer: exitAnswer(exit.pass, exit.pendingCharges, ctx.lot, exit.reason, read.event_id), pass: exit.pass, identity };
}

/** Who is leaving and what they owe, from what the store or PostgreSQL found; the barrier opens regardless. */
export function exitDecision(ctx: GateContext, identity: Identity, lowConfidence: boolean, found: DbLookup, at: Date) {
  if (identity.kind === "bad") return { pass: null, pendingCharges: 0, reason: (identity.reason === "unreadable" ? "unreadable" : "invalid_pass") as GateReason };
  if (identity.kind === "qr" && identity.claims.lot !== ctx.lot.id) return { pass: null, pendingCharges: 0, reason: "wrong_lot" as GateReason };
  const pass = exitPass(found.passes, at);
  if (!pass) return { pass: null, pendingCharges: 0, reason: (lowConfidence ? "low_confidence" : (found.refusal ?? "no_reservation")) as GateReason };
  return { pass, pendingCharges: exitCharges(pass, ctx.lot, at), reason: undefined };
}

// ---- recording, in batches -------------------------------------------------------------------------

type Item = { ctx: GateContext; rec: GateRecord; logId: string | null };
const g = globalThis as unknown as { __spotkeeperReadQueue?: { items: Item[]; flushing: Promise<void> | null } };
const queue = (g.__spotkeeperReadQueue ??= { items: [], flushing: null });
const BATCH = 200;

async function toLive(it: Item): Promise<LiveRead> {
  const d = await decideRecord(it.ctx, it.rec);
  return { ctx: it.ctx, kind: it.rec.read.kind, identity: d.identity, pass: d.pass, answer: d.answer, occurredAt: new Date(it.rec.read.at), latencyMs: it.rec.read.latency_ms, offline: false };
}

async function recordItems(db: Db, items: Item[]) {
  await recordLiveReads(db, await Promise.all(items.map(toLive)));
  await forgetLogged(items.map((i) => i.logId).filter((id): id is string => id !== null));
}

function flush(db: Db): Promise<void> {
  queue.flushing ??= (async () => {
    try {
      while (queue.items.length) {
        const batch = queue.items.splice(0, BATCH);
        try {
          await recordItems(db, batch);
        } catch (err) {
          // Still in the stream (when Redis took it): the sweep records them. Without Redis, retry here.
          const unlogged = batch.filter((i) => i.logId === null);
          console.warn(`[spotkeeper] recording ${batch.length} gate reads failed${unlogged.length ? "; retrying" : "; the sweep will"}:`, (err as Error).message);
          if (unlogged.length) throw Object.assign(err as Error, { unlogged });
        }
      }
    } finally {
      queue.flushing = null;
    }
  })();
  return queue.flushing;
}

/**
 * After the answer: record this read (with every other read answered meanwhile, in one insert).
 * A read only this process knows of (no Redis) is retried by afterAnswer until it is recorded.
 */
export function recordAfterAnswer(db: Db, ctx: GateContext, rec: GateRecord, logId: string | null) {
  const item: Item = { ctx, rec, logId };
  afterAnswer("record", async () => {
    if (!queue.items.includes(item)) queue.items.push(item);
    // A flush about to finish may not see this item: flush until it is taken.
    while (queue.items.includes(item)) {
      try {
        await flush(db);
      } catch (err) {
        if ((err as { unlogged?: Item[] }).unlogged?.includes(item)) throw err;
      }
    }
  });
}

// ---- the stream ----------------------------------------------------------------------------------

const XRANGE = `return redis.call('XRANGE', KEYS[1], '-', ARGV[1], 'COUNT', ARGV[2])`;
const XDEL = `return redis.call('XDEL', KEYS[1], unpack(ARGV))`;
const LOCK = `return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])`;

async function forgetLogged(ids: string[]) {
  const redis = getRedis();
  if (!redis || ids.length === 0) return;
  try {
    await redis.eval(XDEL, [gateKeys.log()], ids);
  } catch (err) {
    // Recorded, but still in the stream: the sweep records them again (a no-op) and deletes them.
    console.warn("[spotkeeper] could not trim the answered-reads log:", (err as Error).message);
  }
}

const contexts = new Map<string, { ctx: GateContext | null; until: number }>();
export async function contextOf(db: Db, gateId: string): Promise<GateContext | null> {
  const hit = contexts.get(gateId);
  if (hit && hit.until > Date.now()) return hit.ctx;
  const row = await findGateWithLot(db, gateId);
  const ctx = row ? { gate: row.gate, lot: row.lot } : null;
  contexts.set(gateId, { ctx, until: Date.now() + 60_000 });
  return ctx;
}

/**
 * The backstop: answered reads still in the stream `olderThanMs` after they were answered (their
 * process died, or PostgreSQL refused them) are recorded here and removed. Idempotent (gate events
 * are unique by event id; workflow events by their id), and one process at a time sweeps.
 */
export async function sweepAnsweredReads(db: Db, opts: { olderThanMs?: number; max?: number } = {}): Promise<number> {
  const redis = getRedis();
  if (!redis) return 0;
  const olderThanMs = opts.olderThanMs ?? 15_000;
  const lockKey = `${gateKeys.log()}:sweeping`;
  const token = `${process.pid}:${Math.random()}`;
  if (!(await redis.eval(LOCK, [lockKey], [token, 60_000]))) return 0;
  let done = 0;
  try {
    for (;;) {
      const until = `${Date.now() - olderThanMs}`;
      const entries = (await redis.eval(XRANGE, [gateKeys.log()], [until, BATCH])) as [string, string[]][];
      if (!entries.length) return done;
      const items: Item[] = [];
      const orphans: string[] = [];
      for (const [id, fields] of entries) {
        const rec = JSON.parse(fields[1]!) as GateRecord;
        const ctx = await contextOf(db, rec.read.gate_id);
        if (ctx) items.push({ ctx, rec, logId: id });
        else orphans.push(id); // the gate was deleted with its lot: nothing to record it against
      }
      await recordItems(db, items);
      await forgetLogged(orphans);
      done += entries.length;
      if (opts.max !== undefined && done >= opts.max) return done;
    }
  } finally {
    await redis.del(lockKey).catch(() => {});
  }
}
