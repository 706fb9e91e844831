import type { VehicleType } from "@/db/schema";

export type Booking = { id: string; start: Date; end: Date };

/**
 * The availability cache in front of allocation (see buckets.ts for what it counts).
 *
 * Invariant: for every hour, the cached count of covering reservations is never above the truth in
 * PostgreSQL, and the cached capacity is never below it. Then `certainlyFull` can only say "full"
 * when PostgreSQL would refuse too (stale-high is allowed, stale-low never):
 *  - `booked` runs only after the reservation's transaction committed (before: it is not yet truth);
 *    it is idempotent (a set of reservation ids, not a counter), and refuses an id already released,
 *    so a late `booked` cannot resurrect a cancelled reservation.
 *  - `released` runs right after the releasing transaction commits (never inside it: a Redis call
 *    must not hold its row locks). Until it runs — or, if the process dies in between, until the
 *    capacity key expires — the count may be one above the truth for that reservation's hours: the
 *    one window where the cache can call a lot full that has just had a spot freed.
 *  - `replace` (the rebuild from PostgreSQL) runs under an exclusive advisory lock that every
 *    releasing transaction takes shared until its commit, so a rebuild either finished before the
 *    release (which then undoes its stale entry) or reads the committed release.
 *  - capacity is written only by `replace`; adding spots `invalidate`s right after the commit
 *    (no capacity = no verdict), ordered against rebuilds by the same shared lock. The capacity key expires after a few minutes, so drift from a Redis outage in the
 *    middle of a release heals by itself with the next rebuild.
 */
export interface AvailabilityStore {
  /** true = certainly no spot; false = maybe; null = no data (ask PostgreSQL, then rebuild). */
  certainlyFull(lotId: string, type: VehicleType, start: Date, end: Date): Promise<boolean | null>;
  booked(lotId: string, type: VehicleType, booking: Booking): Promise<void>;
  released(lotId: string, type: VehicleType, booking: Booking): Promise<void>;
  replace(lotId: string, type: VehicleType, capacity: number, bookings: Booking[]): Promise<void>;
  invalidate(lotId: string, type: VehicleType): Promise<void>;
}

export const CAPACITY_TTL_SECONDS = 300;
export const TOMBSTONE_TTL_SECONDS = 7 * 24 * 3600;
