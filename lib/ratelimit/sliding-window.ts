import type { RedisLike } from "@/lib/redis/client";

/**
 * Sliding-window counter (the approximation Cloudflare and most API gateways use): two fixed windows,
 * the previous one weighted by how much of it still overlaps the sliding window. Two small counters
 * per key instead of a log of timestamps, and atomic in Redis through one script.
 */
export type Decision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a request would be allowed again (denied) or until the window has slid by (allowed). */
  resetSeconds: number;
};

export interface CounterStore {
  /** Counts one hit unless the estimate is at the limit; returns the counts as they are after. */
  /** `count: false` only asks whether one more would be allowed (sign-in counts only failures). */
  hit(key: string, windowIndex: number, windowMs: number, limit: number, weight: number, count?: boolean): Promise<{ allowed: boolean; current: number; previous: number }>;
}

const SCRIPT = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local limit = tonumber(ARGV[1])
local weight = tonumber(ARGV[2])
if prev * weight + cur + 1 > limit then return {0, cur, prev} end
if ARGV[4] == '0' then return {1, cur, prev} end
cur = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, cur, prev}`;

export function redisCounterStore(redis: RedisLike, prefix: string): CounterStore {
  return {
    async hit(key, windowIndex, windowMs, limit, weight, count = true) {
      // One hash tag per key, so both windows live on one Redis Cluster slot.
      const base = `${prefix}rl:{${key}}`;
      const [ok, cur, prev] = (await redis.eval(SCRIPT, [`${base}:${windowIndex}`, `${base}:${windowIndex - 1}`], [limit, weight, windowMs * 2, count ? 1 : 0])) as number[];
      return { allowed: Number(ok) === 1, current: Number(cur), previous: Number(prev) };
    },
  };
}

/** One process's memory, for a server without Redis (the embedded demo). */
export function memoryCounterStore(): CounterStore {
  const counts = new Map<string, { n: number; expiresAt: number }>();
  let sweptAt = 0;
  const get = (k: string, now: number) => {
    const e = counts.get(k);
    return e && e.expiresAt > now ? e.n : 0;
  };
  return {
    async hit(key, windowIndex, windowMs, limit, weight, count = true) {
      const now = Date.now();
      if (now - sweptAt > 60_000) {
        sweptAt = now;
        for (const [k, e] of counts) if (e.expiresAt <= now) counts.delete(k);
      }
      const curKey = `${key}:${windowIndex}`;
      const cur = get(curKey, now);
      const prev = get(`${key}:${windowIndex - 1}`, now);
      if (prev * weight + cur + 1 > limit) return { allowed: false, current: cur, previous: prev };
      if (!count) return { allowed: true, current: cur, previous: prev };
      counts.set(curKey, { n: cur + 1, expiresAt: now + windowMs * 2 });
      return { allowed: true, current: cur + 1, previous: prev };
    },
  };
}

export async function slidingWindow(store: CounterStore, key: string, limit: number, windowSeconds: number, now = Date.now(), count = true): Promise<Decision> {
  const windowMs = windowSeconds * 1000;
  const windowIndex = Math.floor(now / windowMs);
  const elapsed = now - windowIndex * windowMs;
  const weight = 1 - elapsed / windowMs;
  const { allowed, current, previous } = await store.hit(key, windowIndex, windowMs, limit, weight, count);
  const estimate = previous * weight + current;
  const remaining = Math.max(0, Math.floor(limit - estimate));
  let waitMs: number;
  if (allowed) {
    waitMs = windowMs - elapsed;
  } else if (current + 1 > limit) {
    // Full within this window alone: wait for it to end, then for enough of it to slide out.
    waitMs = windowMs - elapsed + Math.max(0, windowMs * (1 - (limit - 1) / Math.max(current, 1)));
  } else {
    // The previous window's share must shrink: previous × (1 − e/w) + current ≤ limit − 1.
    waitMs = Math.max(0, windowMs * (1 - (limit - 1 - current) / Math.max(previous, 1)) - elapsed);
  }
  return { allowed, limit, remaining: allowed ? remaining : 0, resetSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}
