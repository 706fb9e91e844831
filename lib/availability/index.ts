import { sql } from "drizzle-orm";
import type { DbOrTx, Db } from "@/db/client";
import { activeSpotCount, bookedWindows } from "@/db/queries/availability";
import type { VehicleType } from "@/db/schema";
import { env } from "@/lib/env";
import { getRedis } from "@/lib/redis";
import { memoryAvailabilityStore } from "./memory-store";
import { redisAvailabilityStore } from "./redis-store";
import type { AvailabilityStore, Booking } from "./store";
import { LOCKS } from "@/db/locks";


const g = globalThis as unknown as { __spotkeeperAvailability?: AvailabilityStore };

export function availabilityStore(): AvailabilityStore {
  if (!g.__spotkeeperAvailability) {
    const redis = getRedis();
    g.__spotkeeperAvailability = redis ? redisAvailabilityStore(redis, env().REDIS_PREFIX) : memoryAvailabilityStore();
  }
  return g.__spotkeeperAvailability;
}

/** Advisory-lock key for one lot+type's cache; releases take it shared, rebuilds exclusive. */
const lockKey = (lotId: string, type: VehicleType) => sql`${LOCKS.availability}, hashtext(${`${lotId}:${type}`})`;

// The cache is an accelerator: if Redis fails or is slow, the request goes on to PostgreSQL. The
// timeout is tight because a release runs inside the releasing transaction (see noteReleased):
// a Redis that hangs must not hold that transaction's row locks for long.
const CACHE_TIMEOUT_MS = 250;
async function quietly<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CACHE_TIMEOUT_MS} ms`)), CACHE_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    console.warn(`[spotkeeper] availability cache ${what} failed:`, (err as Error).message);
    return null;
  } finally {
    clearTimeout(timer);
  }
}

const inflightRebuilds = new Map<string, Promise<void>>();

/** Recompute one lot+type from PostgreSQL. Single-flight per process. */
export function rebuildAvailability(db: Db, lotId: string, type: VehicleType): Promise<void> {
  const key = `${lotId}:${type}`;
  let p = inflightRebuilds.get(key);
  if (!p) {
    p = db
      .transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${lockKey(lotId, type)})`);
        await availabilityStore().replace(lotId, type, await activeSpotCount(tx, lotId, type), await bookedWindows(tx, lotId, type));
      })
      .catch((err) => console.warn("[spotkeeper] availability rebuild failed:", (err as Error).message))
      .finally(() => inflightRebuilds.delete(key));
    inflightRebuilds.set(key, p);
  }
  return p;
}

/** Fast rejection: true only when PostgreSQL would certainly refuse. Kicks off a rebuild on a miss. */
export async function certainlyFull(db: Db, lotId: string, type: VehicleType, start: Date, end: Date) {
  const verdict = await quietly("lookup", () => availabilityStore().certainlyFull(lotId, type, start, end));
  if (verdict === null) void rebuildAvailability(db, lotId, type);
  return verdict === true;
}

export async function noteBooked(lotId: string, type: VehicleType, booking: Booking) {
  await quietly("booked", () => availabilityStore().booked(lotId, type, booking));
}

/**
 * Call inside the transaction that takes a reservation out of an active status, before commit.
 * The shared lock keeps a rebuild from reading a snapshot that still contains this reservation.
 */
export async function noteReleased(tx: DbOrTx, lotId: string, type: VehicleType, booking: Booking) {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${lockKey(lotId, type)})`);
  const ok = await quietly("released", () => availabilityStore().released(lotId, type, booking));
  // Could not tell the cache: make it forget the lot+type instead (no data = no rejection).
  if (ok === null) await quietly("invalidate", () => availabilityStore().invalidate(lotId, type));
}

/**
 * Inside a transaction that changes a lot's spots, before commit: forget the capacity (no capacity =
 * no verdict). The shared lock makes a concurrent rebuild wait for the commit, so it cannot write
 * back the old, smaller capacity. Rebuild after the commit.
 */
export async function noteCapacityChange(tx: DbOrTx, lotId: string, types: readonly VehicleType[]) {
  for (const t of types) {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(${lockKey(lotId, t)})`);
    await quietly("invalidate", () => availabilityStore().invalidate(lotId, t));
  }
}
