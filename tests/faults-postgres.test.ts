import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/db/client";
import * as schema from "@/db/schema";
import { reservations, spots } from "@/db/schema";
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
  sql = postgres(process.env.DATABASE_URL!, { max: 4, onnotice: () => {}, connection: { application_name: app } });
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

/**
 * postgres.js 3.4 throws from a setImmediate (connection.js nextWrite: "Cannot read properties of
 * null (reading 'write')") when its backend is terminated while a write is queued: an uncaught
 * exception outside any request. It is a driver bug, not this app's answer; it is caught here
 * (only that exact error) so it is seen and counted rather than failing the run on a stray stack.
 */
function catchDriverWriteBug() {
  const saved = process.listeners("uncaughtException");
  process.removeAllListeners("uncaughtException");
  const seen: Error[] = [];
  process.on("uncaughtException", (err) => {
    if (err instanceof TypeError && /reading 'write'/.test(err.message) && /postgres[\\/]src[\\/]connection/.test(err.stack ?? "")) seen.push(err);
    else for (const l of saved) l(err, "uncaughtException");
  });
  return {
    seen,
    restore: () => {
      process.removeAllListeners("uncaughtException");
      for (const l of saved) process.on("uncaughtException", l);
    },
  };
}

describe("PostgreSQL connections killed mid-booking", () => {
  it("leave no half-written row, answer a retryable 503, and the next attempt books", async () => {
    const driverBug = catchDriverWriteBug();
    try {
      await killMidBooking();
      await new Promise((r) => setTimeout(r, 200)); // let the driver's queued writes fire
    } finally {
      driverBug.restore();
    }
    expect(driverBug.seen.length).toBeLessThanOrEqual(4);
  });
});

async function killMidBooking() {
  {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const [spot] = await (await getDb()).select().from(spots).where(eq(spots.lotId, lot.id));
    const input = { lot_id: lot.id, vehicle_type: "compact" as const, start_time: at(4, 9).toISOString(), end_time: at(4, 10).toISOString() };

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
      const [w] = await watcher`select count(*)::int as n from pg_stat_activity where application_name = ${app} and wait_event_type = 'Lock'`;
      return w!.n > 0;
    });
    await watcher`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app}`;
    const err = await booking;
    release();

    expect(err).not.toBeNull();
    const body = await expectError(errorResponse(err), 503, "unavailable");
    expect(body.details).toMatchObject({ retryable: true });
    expect(errorResponse(err).headers.get("retry-after")).toMatch(/^\d+$/);
    const rows = await (await getDb()).select().from(reservations).where(and(eq(reservations.lotId, lot.id), eq(reservations.userId, driver.id)));
    expect(rows).toEqual([]);

    // The same pool reconnects: retrying books the spot, once.
    const r = await createReservation(db, driver, input);
    expect(r).toBeTruthy();
    const after = await (await getDb()).select().from(reservations).where(eq(reservations.lotId, lot.id));
    expect(after).toHaveLength(1);
  }
}
