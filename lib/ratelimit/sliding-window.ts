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
  hit(
    key: string,
    windowIndex: number,
    windowMs: number,
    limit: number,
    weight: number,
    count?: boolean,
  ): Promise<{ allowed: boolean; current: number; previous: number }>;
}

/**
 * The counter step in Lua, for SCRIPT and for scripts that count a limit alongside their own work
 * (the gate read, lib/gates/kv.ts): assigns `rl_ok` (1 allowed, 0 refused), `rl_cur` and `rl_prev`,
 * which the caller declares. `count` is a Lua condition: false only asks.
 */
export const slidingWindowLua = (k: {
  cur: string;
  prev: string;
  limit: string;
  weight: string;
  ttl: string;
  count: string;
}) => `
rl_cur = tonumber(redis.call('GET', ${k.cur}) or '0')
rl_prev = tonumber(redis.call('GET', ${k.prev}) or '0')
rl_ok = 1
if rl_prev * tonumber(${k.weight}) + rl_cur + 1 > tonumber(${k.limit}) then rl_ok = 0
elseif ${k.count} then
  rl_cur = redis.call('INCR', ${k.cur})
  redis.call('PEXPIRE', ${k.cur}, ${k.ttl})
end`;

const SCRIPT = `local rl_ok, rl_cur, rl_prev
${slidingWindowLua({ cur: "KEYS[1]", prev: "KEYS[2]", limit: "ARGV[1]", weight: "ARGV[2]", ttl: "ARGV[3]", count: "ARGV[4] ~= '0'" })}
return {rl_ok, rl_cur, rl_prev}`;

/** The Redis keys of a limit's current and previous window (one hash tag, so both live on one Cluster slot). */
export const windowKeys = (prefix: string, key: string, windowIndex: number): [string, string] => [
  `${prefix}rl:{${key}}:${windowIndex}`,
  `${prefix}rl:{${key}}:${windowIndex - 1}`,
];

export function redisCounterStore(redis: RedisLike, prefix: string): CounterStore {
  return {
    async hit(key, windowIndex, windowMs, limit, weight, count = true) {
      const [ok, cur, prev] = (await redis.eval(SCRIPT, windowKeys(prefix, key, windowIndex), [
        limit,
        weight,
        windowMs * 2,
        count ? 1 : 0,
      ])) as number[];
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

/** Where `now` falls in a limit's fixed windows, and how much of the previous one still counts. */
export function windowAt(windowSeconds: number, now = Date.now()) {
  const windowMs = windowSeconds * 1000;
  const windowIndex = Math.floor(now / windowMs);
  const elapsed = now - windowIndex * windowMs;
  return { windowMs, windowIndex, elapsed, weight: 1 - elapsed / windowMs };
}

/** The decision, from the counts a store returned for that window. */
export function decisionOf(
  w: ReturnType<typeof windowAt>,
  limit: number,
  counts: { allowed: boolean; current: number; previous: number },
): Decision {
  const { windowMs, elapsed, weight } = w;
  const { allowed, current, previous } = counts;
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

export async function slidingWindow(
  store: CounterStore,
  key: string,
  limit: number,
  windowSeconds: number,
  now = Date.now(),
  count = true,
): Promise<Decision> {
  const w = windowAt(windowSeconds, now);
  return decisionOf(w, limit, await store.hit(key, w.windowIndex, w.windowMs, limit, w.weight, count));
}
