import { randomBytes } from "node:crypto";
import { and, sql as dsql, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/db/client";
import { openPool } from "@/db/pool";
import * as schema from "@/db/schema";
import { reservations, spots } from "@/db/schema";
import { isDatabaseUnavailable } from "@/lib/errors";
import { errorResponse } from "@/lib/http/respond";
import { createReservation } from "@/lib/reservations/create-reservation";
import { at, createTestLot, createUser, expectError, type TestUser } from "./fixtures";

// PostgreSQL connections killed in the middle of a booking (a failover, an administrator, a
// crashed backend): the booking leaves no half-written row and the client gets a retryable 503;
// the same pool books fine once PostgreSQL answers again. The app's pool here is one of this
// test's own (its own application_name), so only its connections are killed.
const app = `spotkeeper-faults-${randomBytes(4).toString("hex")}`;
let sql: postgres.Sql;
let db: Db;
let driver: TestUser;
let holder: postgres.Sql; // holds the spot's lock in an open transaction
let watcher: postgres.Sql; // watches and kills

beforeAll(async () => {
  await getDb(); // migrated
  sql = openPool(process.env.DATABASE_URL!, { max: 4, connection: { application_name: app } });
  db = drizzle(sql, { schema }) as unknown as Db;
  holder = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  watcher = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  driver = await createUser("driver");
});

afterAll(async () => {
  await sql?.end({ timeout: 1 });
  await holder?.end({ timeout: 1 });
  await watcher?.end({ timeout: 1 });
});

async function until(cond: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every uncaught exception while `run` runs (vitest's own listeners are put back after). */
async function uncaughtDuring(run: () => Promise<void>) {
  const saved = process.listeners("uncaughtException");
  process.removeAllListeners("uncaughtException");
  const seen: Error[] = [];
  process.on("uncaughtException", (err) => seen.push(err));
  try {
    await run();
    await new Promise((r) => setTimeout(r, 200)); // let any write the driver deferred fire
  } finally {
    process.removeAllListeners("uncaughtException");
    for (const l of saved) process.on("uncaughtException", l);
  }
  return seen;
}

/**
 * A transaction whose backend is terminated while a query is in flight, on `pool`; then three
 * queries on the same pool. Returns what each gave.
 */
async function killInFlightTransaction(pool: postgres.Sql, name: string) {
  const tdb = drizzle(pool);
  let pid: number | undefined;
  const tx = tdb.transaction(async (t) => {
    const [row] = await t.execute<{ pid: number }>(dsql`select pg_backend_pid() as pid`);
    pid = row!.pid;
    await t.execute(dsql`select pg_sleep(5)`);
  });
  await until(async () => pid !== undefined);
  await until(
    async () =>
      (
        await watcher`select 1 from pg_stat_activity where pid = ${pid!} and application_name = ${name} and state = 'active'`
      ).length > 0,
  );
  await watcher`select pg_terminate_backend(${pid!})`;
  const failed = await tx.then(
    () => null,
    (err: unknown) => err,
  );
  const after: unknown[] = [];
  for (let i = 0; i < 3; i++)
    after.push(
      await tdb.execute(dsql`select 1 as one`).then(
        (r) => r[0],
        (err: unknown) => err,
      ),
    );
  return { failed, after };
}

describe("a transaction's backend terminated mid-query (postgres.js 3.4 null-socket write)", () => {
  // Twice on the pool: the second kill lands on a connection that was reconnected after the first.
  const scenario = (pool: postgres.Sql, name: string) => async () => {
    const runs = [];
    for (let round = 0; round < 2; round++) runs.push(await killInFlightTransaction(pool, name));
    return runs;
  };

  it("is reproduced on a bare postgres.js pool: its ROLLBACK is written to the closed socket from a setImmediate", async () => {
    const name = `${app}-bare`;
    const bare = postgres(process.env.DATABASE_URL!, {
      max: 2,
      connect_timeout: 2,
      onnotice: () => {},
      connection: { application_name: name },
    });
    try {
      const seen = await uncaughtDuring(async () => void (await scenario(bare, name)()));
      expect(
        seen.some(
          (e) => e instanceof TypeError && /reading 'write'/.test(e.message) && /nextWrite/.test(e.stack ?? ""),
        ),
      ).toBe(true);
    } finally {
      await bare.end({ timeout: 1 });
    }
  });

  it("leaves the process and the pool of openPool() working: the transaction fails retryably, nothing is thrown outside it", async () => {
    const name = `${app}-guarded`;
    const pool = openPool(process.env.DATABASE_URL!, {
      max: 2,
      connect_timeout: 2,
      connection: { application_name: name },
    });
    try {
      let runs: Awaited<ReturnType<ReturnType<typeof scenario>>> = [];
      const seen = await uncaughtDuring(async () => void (runs = await scenario(pool, name)()));
      expect(seen).toEqual([]);
      for (const { failed, after } of runs) {
        expect(isDatabaseUnavailable(failed)).toBe(true);
        // A poisoned connection (a stale deferred write) would never flush its start-up message
        // again and fail every use with CONNECT_TIMEOUT. postgres.js does replay the killed
        // backend's 57P01 onto the first query of the reconnected connection (porsager/postgres
        // #1223): retryable, and only once.
        const errors = after.filter((r) => r instanceof Error);
        expect(errors.length).toBeLessThanOrEqual(1);
        for (const e of errors) expect(isDatabaseUnavailable(e)).toBe(true);
        expect(after.at(-1)).toEqual({ one: 1 });
      }
    } finally {
      await pool.end({ timeout: 1 });
    }
  });
});

describe("PostgreSQL connections killed mid-booking", () => {
  it("leave no half-written row, answer a retryable 503, and the next attempt books", async () => {
    expect(await uncaughtDuring(killMidBooking)).toEqual([]);
  });
});

async function killMidBooking() {
  {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const [spot] = await (await getDb()).select().from(spots).where(eq(spots.lotId, lot.id));
    const input = {
      lot_id: lot.id,
      vehicle_type: "compact" as const,
      start_time: at(4, 9).toISOString(),
      end_time: at(4, 10).toISOString(),
    };

    // Hold the spot's lock, so the booking's transaction stops half-way and waits on it.
    const release = await new Promise<() => void>((resolveRelease) => {
      void holder.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(727003, hashtext(${spot!.id}))`;
        await new Promise<void>((done) => resolveRelease(done));
      });
    });
    const booking = createReservation(db, driver, input).then(
      () => null,
      (err: unknown) => err,
    );
    await until(async () => {
      const [w] =
        await watcher`select count(*)::int as n from pg_stat_activity where application_name = ${app} and wait_event_type = 'Lock'`;
      return w!.n > 0;
    });
    await watcher`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app}`;
    const err = await booking;
    release();

    expect(err).not.toBeNull();
    const body = await expectError(errorResponse(err), 503, "unavailable");
    expect(body.details).toMatchObject({ retryable: true });
    expect(errorResponse(err).headers.get("retry-after")).toMatch(/^\d+$/);
    const rows = await (
      await getDb()
    )
      .select()
      .from(reservations)
      .where(and(eq(reservations.lotId, lot.id), eq(reservations.userId, driver.id)));
    expect(rows).toEqual([]);

    // The same pool reconnects: retrying books the spot, once.
    const r = await createReservation(db, driver, input);
    expect(r).toBeTruthy();
    const after = await (await getDb()).select().from(reservations).where(eq(reservations.lotId, lot.id));
    expect(after).toHaveLength(1);
  }
}
