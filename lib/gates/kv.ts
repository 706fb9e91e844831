import type { RedisLike } from "@/lib/redis/client";

/**
 * The little key-value surface the gates need: gate passes (plate → reservation), recent reads
 * (duplicate suppression) and answers by event id. Every key is touched on its own, never two in
 * one command, so the same code runs on a Redis Cluster and on Upstash.
 */
export interface GateKv {
  get(key: string): Promise<string | null>;
  /** Stores `value` unless the key exists; returns null when stored, else the value already there. */
  claim(key: string, value: string, ttlSeconds: number): Promise<string | null>;
  put(key: string, value: string, ttlSeconds: number): Promise<void>;
  remove(...keys: string[]): Promise<void>;
}

export class KvUnavailableError extends Error {}

const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])`;

/**
 * A car waits at the barrier while we talk to Redis: a command that does not answer within
 * `timeoutMs` counts as Redis being down, and for `cooldownMs` after a failure no command is tried
 * at all, so an outage costs one timeout, not one per read, before PostgreSQL answers instead.
 */
export function redisGateKv(redis: RedisLike, opts: { timeoutMs?: number; cooldownMs?: number } = {}): GateKv {
  const timeoutMs = opts.timeoutMs ?? 150;
  const cooldownMs = opts.cooldownMs ?? 1000;
  let downUntil = 0;
  async function guarded<T>(op: () => Promise<T>): Promise<T> {
    if (Date.now() < downUntil) throw new KvUnavailableError("Redis is cooling down after a failure");
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        op(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new KvUnavailableError(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      downUntil = Date.now() + cooldownMs;
      throw err instanceof KvUnavailableError ? err : new KvUnavailableError((err as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    get: (key) => guarded(() => redis.get(key)),
    claim: (key, value, ttl) => guarded(async () => ((await redis.eval(CLAIM, [key], [value, ttl])) as string | null) ?? null),
    put: (key, value, ttl) => guarded(() => redis.set(key, value, ttl)),
    remove: (...keys) => guarded(() => redis.del(...keys)),
  };
}

/** The same in process memory: the store when no Redis is configured, and the stand-in while it is down. */
export function memoryGateKv(now: () => number = Date.now): GateKv {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const e = entries.get(key);
    if (e && e.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  // Expired entries are dropped when read; this sweep bounds what is never read again.
  const sweep = () => {
    if (entries.size < 10_000) return;
    for (const [k, e] of entries) if (e.expiresAt <= now()) entries.delete(k);
  };
  return {
    async get(key) {
      return live(key)?.value ?? null;
    },
    async claim(key, value, ttl) {
      const existing = live(key);
      if (existing) return existing.value;
      sweep();
      entries.set(key, { value, expiresAt: now() + ttl * 1000 });
      return null;
    },
    async put(key, value, ttl) {
      sweep();
      entries.set(key, { value, expiresAt: now() + ttl * 1000 });
    },
    async remove(...keys) {
      for (const k of keys) entries.delete(k);
    },
  };
}
