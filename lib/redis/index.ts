import { env } from "@/lib/env";
import { ioredisClient, upstashClient, type RedisLike } from "./client";

const g = globalThis as unknown as { __spotkeeperRedis?: RedisLike | null };

/** The configured Redis (Upstash REST first, then REDIS_URL), or null: callers use in-process stores. */
export function getRedis(): RedisLike | null {
  if (g.__spotkeeperRedis !== undefined) return g.__spotkeeperRedis;
  const e = env();
  g.__spotkeeperRedis = e.UPSTASH_REDIS_REST_URL
    ? upstashClient(e.UPSTASH_REDIS_REST_URL, e.UPSTASH_REDIS_REST_TOKEN!)
    : e.REDIS_URL
      ? ioredisClient(e.REDIS_URL)
      : null;
  return g.__spotkeeperRedis;
}

/** The client if one was made already; never makes one (for background pollers that must not reopen a closed one). */
export function peekRedis(): RedisLike | null {
  return g.__spotkeeperRedis ?? null;
}

export async function closeRedis() {
  const r = g.__spotkeeperRedis;
  g.__spotkeeperRedis = undefined;
  await r?.quit();
}
