/**
 * Every PostgreSQL advisory-lock class the app takes, in one place so two features never share a
 * class by accident. Two-key locks are `(class, hashtext(key))`; single-key ones use the class alone.
 */
export const LOCKS = {
  /** Session lock: exactly one process applies the migrations (db/migrate.ts). */
  migrations: 727_001,
  /** (lot, vehicle type): availability rebuilds exclusive, bookings shared (lib/availability). */
  availability: 727_002,
  /** Spot id: every writer of a spot's bookings (lib/allocation, extensions). */
  spot: 727_003,
  /** The demo seed, once per database (db/seed.ts). */
  demoSeed: 727_004,
  /** Reservation id: its gate pass in the gate fast path (lib/gates/sync-gate-pass.ts). */
  gatePassReservation: 727_005,
  /** Lot + plate: the plate's entry in the gate fast path (lib/gates/sync-gate-pass.ts). */
  gatePassPlate: 727_006,
  /** Gate event id: one offline replay at a time (lib/gates/replay.ts). */
  gateReplay: 727_007,
  /** User id: one booking at a time per driver, so the hold cap is exact (db/queries/allocation.ts). */
  holdCap: 727_012,
} as const;
