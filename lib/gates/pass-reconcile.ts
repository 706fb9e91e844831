import type { Db } from "@/db/client";
import { changedSince, recentPlates } from "@/db/queries/gate-reads";
import { currentPasses } from "@/db/queries/gates";
import { getRedis } from "@/lib/redis";
import type { RedisLike } from "@/lib/redis/client";
import { gatePassOf, passTtlSeconds, type GatePass } from "./gate-pass";
import { gateKeys } from "./store";
import { syncGatePass } from "./sync-gate-pass";

/**
 * Keeps the gates' store honest against PostgreSQL, so the barrier can trust it:
 *
 * - A lot's pass keys are reconciled when its "loaded" marker is missing (a Redis restart, a new
 *   lot) and every few minutes: keys PostgreSQL has and Redis lacks or holds differently, and keys
 *   Redis holds for reservations that are no longer passes (a failed update after a cancellation),
 *   are rewritten by syncGatePass, which re-reads each under its lock — so a reconciliation never
 *   writes back a state older than a concurrent change.
 * - The set of known plates (every plate with a reservation not ended more than a day ago) is
 *   rebuilt every few minutes; while it is complete, a plate outside it has no reservation at all,
 *   and the gate refuses it from Redis alone. Plates are added as bookings are made and synced, so
 *   the set only errs on the side of "known" (which costs a PostgreSQL query, never a wrong answer).
 */
export const RECONCILE_EVERY_MS = 5 * 60_000;
const MARKER_TTL_SECONDS = Math.ceil((RECONCILE_EVERY_MS * 3) / 1000);

const SADD_MANY = `for i = 1, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end return #ARGV`;
const SWAP_SET = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RENAME', KEYS[1], KEYS[2]) else redis.call('DEL', KEYS[2]) end
redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[2])
return 1`;
const MGET = `return redis.call('MGET', unpack(KEYS))`;
// Only where no key exists: a concurrent syncGatePass may have written a newer state meanwhile.
const SET_MISSING = `for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'NX', 'EX', ARGV[2 * i]) end return #KEYS`;
const SET_MARKERS = `for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[1], 'EX', ARGV[2]) end return #KEYS`;
const SCAN = `return redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', 1000)`;

/** A plate was booked: the gates must no longer refuse it from the known-plates set alone. */
export async function noteKnownPlate(plate: string | null | undefined) {
  const redis = getRedis();
  if (!redis || !plate) return;
  try {
    await redis.eval(SADD_MANY, [gateKeys.knownPlates()], [plate]);
  } catch (err) {
    // Then the set is incomplete: drop its marker so no read trusts it until the next rebuild.
    console.warn(
      "[spotkeeper] could not add a known plate; the gates ask PostgreSQL until the next rebuild:",
      (err as Error).message,
    );
    await redis.del(gateKeys.knownComplete()).catch(() => {});
  }
}

async function saddChunks(redis: RedisLike, key: string, members: string[]) {
  for (let i = 0; i < members.length; i += 1000) await redis.eval(SADD_MANY, [key], members.slice(i, i + 1000));
}

export async function rebuildKnownPlates(db: Db) {
  const redis = getRedis();
  if (!redis) return;
  const started = new Date();
  const tmp = `${gateKeys.knownPlates()}:building:${process.pid}`;
  await redis.del(tmp);
  await saddChunks(redis, tmp, await recentPlates(db));
  await redis.eval(
    SWAP_SET,
    [tmp, gateKeys.knownPlates(), gateKeys.knownComplete()],
    [started.toISOString(), MARKER_TTL_SECONDS],
  );
  // Plates booked while the snapshot was read were added to the old set: add them again.
  await saddChunks(redis, gateKeys.knownPlates(), await recentPlates(db, new Date(started.getTime() - 60_000)));
}

function desiredKeys(rows: Awaited<ReturnType<typeof currentPasses>>) {
  const want = new Map<string, { value: string; ids: string[]; ttl: number }>();
  const byPlate = new Map<string, GatePass[]>();
  for (const r of rows) {
    const pass = gatePassOf(r);
    if (!pass) continue;
    want.set(gateKeys.reservation(r.id), { value: JSON.stringify(pass), ids: [r.id], ttl: passTtlSeconds([pass]) });
    if (r.licensePlate) {
      const k = gateKeys.plate(r.lotId, r.licensePlate);
      byPlate.set(k, [...(byPlate.get(k) ?? []), pass]);
    }
  }
  for (const [k, passes] of byPlate) {
    passes.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    want.set(k, {
      value: JSON.stringify(passes),
      ids: passes.map((p) => p.reservation_id),
      ttl: passTtlSeconds(passes),
    });
  }
  return want;
}

/** Rewrites (through syncGatePass) every key of these lots (or all) that differs from PostgreSQL. */
export async function reconcilePasses(db: Db, lotId?: string): Promise<number> {
  const redis = getRedis();
  if (!redis) return 0;
  const snapshotAt = new Date();
  const want = desiredKeys(await currentPasses(db, { lotId }));
  const stale = new Set<string>();
  const written: string[] = [];
  const keys = [...want.keys()];
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const have = (await redis.eval(MGET, chunk, [])) as (string | null)[];
    const missing: string[] = [];
    chunk.forEach((k, j) => {
      if (have[j] === null) missing.push(k);
      else if (have[j] !== want.get(k)!.value) for (const id of want.get(k)!.ids) stale.add(id);
    });
    // A whole lot missing (a Redis restart, rows written by SQL) is written in bulk, not one sync
    // per reservation; the re-check of changes since the snapshot below covers the race.
    if (missing.length) {
      const args = missing.flatMap((k) => {
        const w = want.get(k)!;
        return [w.value, w.ttl];
      });
      await redis.eval(SET_MISSING, missing, args);
      for (const k of missing) written.push(...want.get(k)!.ids);
    }
  }
  // Keys Redis holds that PostgreSQL no longer backs, found by scanning (reservation keys are not
  // per lot: the periodic run over every lot checks those).
  {
    const patterns = lotId
      ? [`${gateKeys.plate(lotId, "")}*`]
      : [`${gateKeys.plate("*", "")}*`, `${gateKeys.reservation("")}*`];
    for (const pattern of patterns) {
      let cursor = "0";
      do {
        const [next, found] = (await redis.eval(SCAN, [], [cursor, pattern])) as [string, string[]];
        cursor = next;
        const extra = found.filter((k) => !want.has(k));
        if (extra.length) {
          const values = (await redis.eval(MGET, extra, [])) as (string | null)[];
          for (const v of values) {
            if (!v) continue;
            const parsed = JSON.parse(v) as GatePass | GatePass[];
            for (const p of Array.isArray(parsed) ? parsed : [parsed]) stale.add(p.reservation_id);
          }
        }
      } while (cursor !== "0");
    }
  }
  const ids = [...stale];
  for (let i = 0; i < ids.length; i += 200) await syncGatePass(db, ids.slice(i, i + 200));
  // A change committed after the snapshot may have been synced before our rewrite of it: sync again.
  const changed = await changedSince(db, [...new Set([...ids, ...written])], new Date(snapshotAt.getTime() - 10_000));
  if (changed.length) await syncGatePass(db, changed);
  const lots = lotId ? [lotId] : [...new Set((await currentPasses(db)).map((r) => r.lotId))];
  for (let i = 0; i < lots.length; i += 500) {
    await redis.eval(SET_MARKERS, lots.slice(i, i + 500).map(gateKeys.lotLoaded), [
      snapshotAt.toISOString(),
      MARKER_TTL_SECONDS,
    ]);
  }
  return ids.length;
}

const reconciling = new Map<string, Promise<unknown>>();
/** A read found the lot's marker missing: reconcile the lot in the background (once per process at a time). */
export function reconcileLotSoon(db: Db, lotId: string) {
  if (reconciling.has(lotId)) return;
  const p = reconcilePasses(db, lotId)
    .catch((err) => console.warn(`[spotkeeper] reconciling lot ${lotId}'s gate passes failed:`, (err as Error).message))
    .finally(() => setTimeout(() => reconciling.delete(lotId), 10_000).unref());
  reconciling.set(lotId, p);
}
