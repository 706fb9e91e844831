import { afterAll, inject } from "vitest";

// Runs in every worker before its test file is imported: point lib/env.ts (which reads process.env
// once, lazily) at the database, Redis and Redis prefix the global setup prepared for this run.
process.env.DATABASE_URL = inject("databaseUrl");
const redisUrl = inject("redisUrl");
if (redisUrl) process.env.REDIS_URL = redisUrl;
else delete process.env.REDIS_URL;
const redisPrefix = inject("redisPrefix");
// A prefix per file, under the run's: state shared by app processes through Redis (payments down,
// gate-secret rotations) must not leak between test files running side by side.
if (redisPrefix) process.env.REDIS_PREFIX = `${redisPrefix}${Math.random().toString(36).slice(2, 8)}:`;
else delete process.env.REDIS_PREFIX;

// Many tests book dozens of holds and try many payments for one driver; the hold cap (HOLD_LIMIT_*)
// and the payment-attempt limit have their own tests (tests/limits.test.ts) that set them low. The
// other rate limits stay at their defaults.
process.env.HOLD_LIMIT_PER_LOT ??= "1000";
process.env.HOLD_LIMIT_TOTAL ??= "1000";
process.env.RATE_LIMIT_PAYMENT ??= "1000/600";

// db/client.ts, lib/redis and lib/availability keep their singletons on globalThis; close what this
// file opened so a worker that runs another file next starts clean and no socket keeps it alive.
const g = globalThis as { __spotkeeperDb?: unknown; __spotkeeperRedis?: unknown; __spotkeeperAvailability?: unknown };

afterAll(async () => {
  if (g.__spotkeeperRedis !== undefined) {
    const { closeRedis } = await import("@/lib/redis");
    await closeRedis();
  }
  g.__spotkeeperAvailability = undefined;
  if (g.__spotkeeperDb !== undefined) {
    const { closeDb } = await import("@/db/client");
    await closeDb();
  }
});
