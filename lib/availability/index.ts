import type { DbOrTx, Db } from "@/db/client";
import { activeSpotCount, bookedWindows } from "@/db/queries/availability";
import { lock } from "@/db/queries/locks";
import type { VehicleType } from "@/db/schema";
import { env } from "@/lib/env";
import { getRedis } from "@/lib/redis";
import { memoryAvailabilityStore } from "./memory-store";
import { redisAvailabilityStore } from "./redis-store";
import type { AvailabilityStore, Booking } from "./store";
import { LOCKS } from "@/db/locks";
import { afterCommit } from "@/lib/lifecycle/effects";
import { forgetFreeSpots } from "./free-spots";

const g = globalThis as unknown as { __spotkeeperAvailability?: AvailabilityStore };

export function availabilityStore(): AvailabilityStore {
  if (!g.__spotkeeperAvailability) {
    const redis = getRedis();
    g.__spotkeeperAvailability = redis ? redisAvailabilityStore(redis, env().REDIS_PREFIX) : memoryAvailabilityStore();
  }
  return g.__spotkeeperAvailability;
}

/** Advisory-lock key for one lot+type's cache; releases take it shared, rebuilds exclusive. */
const lockCache = (tx: DbOrTx, lotId: string, type: VehicleType, mode: "exclusive" | "shared") =>
  lock(tx, LOCKS.availability, `${lotId}:${type}`, mode);

// The cache is an accelerator: if Redis fails or is slow, the request goes on to PostgreSQL. No
// call here runs inside a transaction that holds row locks: releases and capacity changes are told
// after the commit (lib/lifecycle/effects.ts afterCommit).
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
        await lockCache(tx, lotId, type, "exclusive");
        await availabilityStore().replace(
          lotId,
          type,
          await activeSpotCount(tx, lotId, type),
          await bookedWindows(tx, lotId, type),
        );
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
  forgetFreeSpots(lotId);
  await quietly("booked", () => availabilityStore().booked(lotId, type, booking));
}

/**
 * Call inside the transaction (a lifecycleTransaction) that takes a reservation out of an active
 * status; the cache is told once it has committed. The shared lock, held to the commit, orders this
 * release after any rebuild already reading PostgreSQL (whose write it then undoes) and before any
 * rebuild that starts later (which reads the committed release), so a rebuild never writes the
 * reservation back. Between the commit and the release, and until the capacity key expires if this
 * process dies in between, the cache may count the reservation still: it can then call a lot full
 * that has this one spot free again, for that long at most.
 */
export const noteReleased = (tx: DbOrTx, lotId: string, type: VehicleType, booking: Booking) =>
  noteReleasedMany(tx, lotId, type, [booking]);

/** noteReleased for many reservations of one lot and type (a batch of exits): one lock. */
export async function noteReleasedMany(tx: DbOrTx, lotId: string, type: VehicleType, bookings: Booking[]) {
  await lockCache(tx, lotId, type, "shared");
  afterCommit(tx, async () => {
    forgetFreeSpots(lotId);
    const told = await Promise.all(
      bookings.map((booking) => quietly("released", () => availabilityStore().released(lotId, type, booking))),
    );
    // Could not tell the cache: make it forget the lot+type instead (no data = no rejection).
    if (told.includes(null)) await quietly("invalidate", () => availabilityStore().invalidate(lotId, type));
  });
}

/**
 * Inside a lifecycleTransaction that changes a lot's spots: forget the capacity once it has
 * committed (no capacity = no verdict), then rebuild. The shared lock orders it against rebuilds as
 * for releases, so none writes back the old, smaller capacity.
 */
export async function noteCapacityChange(tx: DbOrTx, lotId: string, types: readonly VehicleType[]) {
  for (const t of types) {
    await lockCache(tx, lotId, t, "shared");
    afterCommit(tx, async () => {
      forgetFreeSpots(lotId, { totals: true });
      await quietly("invalidate", () => availabilityStore().invalidate(lotId, t));
    });
  }
}
