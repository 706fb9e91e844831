import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";

const WAIT_LIMIT_MS = 10_000;

/**
 * Runs racers against one reservation so that they truly overlap, in a chosen order: its row is
 * locked in a transaction of our own, each racer is started and awaited until PostgreSQL reports it
 * blocked behind that lock (pg_blocking_pids), and only then is the lock released. PostgreSQL hands
 * a row lock to its waiters in the order they queued, so racers[0] gets the row first and the others
 * act on what it committed. Returns the racers' settled outcomes, in the order given.
 *
 * Plain Promise.all over route handlers is not a race in practice: the handler with less work before
 * its transaction (one that does not authenticate a token, say) wins every time.
 */
export async function raceInOrder<T>(
  reservationId: string,
  racers: (() => Promise<T>)[],
): Promise<PromiseSettledResult<T>[]> {
  const db = await getDb();
  const started: Promise<T>[] = [];
  await db.transaction(async (tx) => {
    const [{ pid: holder }] = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as [{ pid: number }];
    await tx.execute(sql`select id from reservations where id = ${reservationId} for update`);
    const queued: number[] = [holder];
    for (const racer of racers) {
      const p = racer();
      p.catch(() => {}); // observed below; keeps an early rejection from being reported as unhandled
      started.push(p);
      queued.push(await nextBlockedBackend(queued));
    }
  });
  return Promise.allSettled(started);
}

/** Waits (on the condition, not a fixed time) until a backend not yet seen is blocked by one of `queued`. */
async function nextBlockedBackend(queued: number[]): Promise<number> {
  const db = await getDb();
  const blockers = sql.raw(`array[${queued.map((p) => Number(p)).join(",")}]::int[]`);
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const rows = (await db.execute(
      sql`select pid from pg_stat_activity where pg_blocking_pids(pid) && ${blockers} and not (pid = any(${blockers}))`,
    )) as unknown as { pid: number }[];
    if (rows.length > 0) return rows[0]!.pid;
    if (Date.now() > deadline) throw new Error("A racer never queued for the reservation's row lock");
    await new Promise((resolve) => setImmediate(resolve));
  }
}
