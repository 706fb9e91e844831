import { createHash } from "node:crypto";
import { Redis as Upstash } from "@upstash/redis";
import IORedis from "ioredis";

/**
 * The few Redis operations Spotkeeper needs, over either transport: ioredis (TCP, REDIS_URL) or
 * @upstash/redis (HTTPS REST, UPSTASH_REDIS_REST_URL). Multi-key changes go through Lua scripts so
 * they are atomic on both.
 */
export interface RedisLike {
  eval(script: string, keys: string[], args: (string | number)[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  quit(): Promise<void>;
}

const shas = new Map<string, string>();
const sha1 = (script: string) => {
  let sha = shas.get(script);
  if (!sha) shas.set(script, (sha = createHash("sha1").update(script).digest("hex")));
  return sha;
};

/**
 * EVALSHA, falling back to EVAL when the server does not know the script yet (first use, or after a
 * restart or SCRIPT FLUSH; EVAL caches it again). Every gate read and booking runs a script: sending
 * its hash instead of its text saves the bytes and the socket work on each call.
 */
async function evalCached(
  script: string,
  evalsha: (sha: string) => Promise<unknown>,
  evaluate: () => Promise<unknown>,
): Promise<unknown> {
  try {
    return await evalsha(sha1(script));
  } catch (err) {
    if (!/NOSCRIPT/i.test(String((err as Error)?.message ?? err))) throw err;
    return evaluate();
  }
}

export function ioredisClient(url: string): RedisLike {
  const r = new IORedis(url, {
    // Fail fast: every caller treats Redis as an accelerator and falls back to PostgreSQL.
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    // No command waits forever; the gate path (lib/gates/kv.ts) and the availability cache race
    // their own, tighter timeouts.
    commandTimeout: 2000,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  r.on("error", () => {}); // surfaced per command; without a listener ioredis logs every reconnect
  return {
    eval: (script, keys, args) =>
      evalCached(
        script,
        (sha) => r.evalsha(sha, keys.length, ...keys, ...args),
        () => r.eval(script, keys.length, ...keys, ...args),
      ),
    get: (key) => r.get(key),
    set: async (key, value, ttl) => {
      if (ttl) await r.set(key, value, "EX", ttl);
      else await r.set(key, value);
    },
    del: async (...keys) => {
      if (keys.length) await r.del(...keys);
    },
    quit: async () => {
      await r.quit().catch(() => r.disconnect());
    },
  };
}

export function upstashClient(url: string, token: string): RedisLike {
  const r = new Upstash({ url, token, automaticDeserialization: false });
  return {
    eval: (script, keys, args) =>
      evalCached(
        script,
        (sha) => r.evalsha(sha, keys, args.map(String)),
        () => r.eval(script, keys, args.map(String)),
      ),
    get: (key) => r.get<string>(key),
    set: async (key, value, ttl) => {
      if (ttl) await r.set(key, value, { ex: ttl });
      else await r.set(key, value);
    },
    del: async (...keys) => {
      if (keys.length) await r.del(...keys);
    },
    quit: async () => {},
  };
}
