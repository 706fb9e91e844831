import type { Db } from "@/db/client";
import { getRedis } from "@/lib/redis";
import { rebuildKnownPlates, reconcilePasses, RECONCILE_EVERY_MS } from "./pass-reconcile";
import { readsHeldInMemory, sweepAnsweredReads } from "./read-log";

const SWEEP_EVERY_MS = 5_000;
const LOCK = `return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])`;
const g = globalThis as unknown as { __spotkeeperGateUpkeep?: NodeJS.Timeout[] };

/**
 * Started in every app process (instrumentation.ts): the sweep of answered reads not recorded yet
 * (left in the log by a crashed process, or held in this process's memory after their recording
 * gave up — without Redis too), and, with Redis, the periodic reconciliation of pass keys and known
 * plates with PostgreSQL — run by whichever process takes its turn first (a Redis lock), at start
 * and then every few minutes.
 */
export function startGateUpkeep(db: () => Promise<Db>) {
  if (g.__spotkeeperGateUpkeep) return;
  const quietly = (what: string, fn: () => Promise<unknown>) => () => {
    fn().catch((err) => console.warn(`[spotkeeper] gate ${what} failed:`, (err as Error).message));
  };
  const sweep = quietly("answered-reads sweep", async () => {
    // Without Redis only this process's memory can hold one (no database touched for nothing).
    if (!getRedis() && !readsHeldInMemory()) return;
    // (Reads it merely drained were answered a moment ago: the recorders' normal work, not worth a line.)
    const { recovered } = await sweepAnsweredReads(await db());
    if (recovered)
      console.warn(
        `[spotkeeper] recorded ${recovered} answered gate reads whose recording had failed or been abandoned`,
      );
  });
  g.__spotkeeperGateUpkeep = [setInterval(sweep, SWEEP_EVERY_MS).unref()];
  const redis = getRedis();
  if (!redis) return;
  const reconcile = quietly("reconciliation", async () => {
    const turn = await redis.eval(
      LOCK,
      [`${process.env.REDIS_PREFIX ?? "sk:"}gate:reconciling`],
      [String(process.pid), RECONCILE_EVERY_MS - 5_000],
    );
    if (!turn) return;
    const d = await db();
    await rebuildKnownPlates(d);
    const fixed = await reconcilePasses(d);
    if (fixed) console.warn(`[spotkeeper] gate pass reconciliation rewrote the keys of ${fixed} reservations`);
  });
  reconcile();
  g.__spotkeeperGateUpkeep.push(setInterval(reconcile, RECONCILE_EVERY_MS).unref());
}
