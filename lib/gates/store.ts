import { env } from "@/lib/env";
import { getRedis } from "@/lib/redis";
import type { RedisLike } from "@/lib/redis/client";
import { memoryGateKv, redisGateKv, type GateKv } from "./kv";

type Stores = { redis: RedisLike | null; shared: GateKv; writer: GateKv; local: GateKv };
const g = globalThis as unknown as { __spotkeeperGateKv?: Stores; __spotkeeperGateKvOverride?: GateKv };

/**
 * `shared` is Redis when configured (else process memory), for the reads at the barrier: a slow
 * answer counts as Redis being down. `writer` is the same Redis for keeping the passes in sync, off
 * the barrier's path, so it waits longer and never trips the barrier's fallback. `local` is this
 * process's memory, which stands in for duplicate suppression while Redis is down. Rebuilt when
 * lib/redis hands out a new client (after closeRedis), so a closed connection is never reused.
 */
export function gateStores(): { shared: GateKv; writer: GateKv; local: GateKv } {
  const override = g.__spotkeeperGateKvOverride;
  const redis = getRedis();
  if (!g.__spotkeeperGateKv || g.__spotkeeperGateKv.redis !== redis) {
    const local = g.__spotkeeperGateKv?.local ?? memoryGateKv();
    g.__spotkeeperGateKv = {
      redis,
      local,
      shared: redis ? redisGateKv(redis, { timeoutMs: 100 }) : local,
      writer: redis ? redisGateKv(redis, { timeoutMs: 2_000, cooldownMs: 0 }) : local,
    };
  }
  const { shared, writer, local } = g.__spotkeeperGateKv;
  return { shared: override ?? shared, writer: override ?? writer, local };
}

/** Points the gates at another store (tests: a Redis on a closed port); undefined restores the default. */
export function overrideGateKv(kv: GateKv | undefined) {
  g.__spotkeeperGateKvOverride = kv;
}

const prefix = () => `${env().REDIS_PREFIX}gate:`;

export const gateKeys = {
  plate: (lotId: string, plate: string) => `${prefix()}plate:${lotId}:${plate}`,
  reservation: (id: string) => `${prefix()}rid:${id}`,
  recent: (gateId: string, identity: string) => `${prefix()}recent:${gateId}:${identity}`,
  event: (eventId: string) => `${prefix()}event:${eventId}`,
  /** Set: plates of every reservation not ended more than a day ago (a plate outside it has none). */
  knownPlates: () => `${prefix()}known-plates`,
  /** Present while knownPlates was rebuilt from PostgreSQL recently enough to be trusted. */
  knownComplete: () => `${prefix()}known-plates:complete`,
  /** Present while the lot's pass keys were reconciled with PostgreSQL recently. */
  lotLoaded: (lotId: string) => `${prefix()}loaded:${lotId}`,
  /** Stream: answered reads not yet known to be in gate_events. */
  log: () => `${prefix()}answered`,
};
