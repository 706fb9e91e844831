import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { LOCKS } from "@/db/locks";
import { reservations, spots } from "@/db/schema";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { apps, startApp, type App } from "./support/app-children";

// The same fault as tests/faults-postgres.test.ts, on a server process of this test's own (the
// route handlers behind node:http, as tests/support/app-process.ts runs them, with no handler for
// uncaught exceptions — as a bare `node` process has none): its PostgreSQL connection is killed while
// a booking waits on the spot's lock. Before db/pool.ts, postgres.js' write of ROLLBACK to the closed
// socket threw from a setImmediate and ended the process. The process's connections carry an
// application_name of their own (PGAPPNAME), so only they are killed.
const appName = `spotkeeper-faults-proc-${randomBytes(4).toString("hex")}`;
let app: App;
let base: string;
let driver: TestUser;
let holder: postgres.Sql;
let watcher: postgres.Sql;

beforeAll(async () => {
  driver = await createUser("driver");
  holder = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  watcher = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  app = await startApp({ PGAPPNAME: appName });
  base = app.url;
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.kill()));
  await holder?.end({ timeout: 1 });
  await watcher?.end({ timeout: 1 });
});

async function until(what: string, cond: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const book = async (body: unknown) => {
  const res = await fetch(`${base}/v1/reservations`, {
    method: "POST",
    headers: { authorization: `Bearer ${driver.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    body: (await res.json()) as { error?: { code: string; details?: unknown } },
  };
};

describe("a server process whose PostgreSQL connection is killed mid-booking", () => {
  it("answers the booking a retryable 503, writes nothing, keeps running and books on the retry", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const db = await getDb();
    const [spot] = await db.select().from(spots).where(eq(spots.lotId, lot.id));
    const input = {
      lot_id: lot.id,
      vehicle_type: "compact",
      start_time: at(4, 9).toISOString(),
      end_time: at(4, 10).toISOString(),
    };

    // Hold the spot's lock so the booking's transaction stops half-way, waiting on it.
    const release = await new Promise<() => void>((resolveRelease) => {
      void holder.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${LOCKS.spot}, hashtext(${spot!.id}))`;
        await new Promise<void>((done) => resolveRelease(done));
      });
    });
    const pending = book(input);
    await until("the booking to wait on the spot's lock", async () => {
      const rows =
        await watcher`select 1 from pg_stat_activity where application_name = ${appName} and wait_event_type = 'Lock'`;
      return rows.length > 0;
    });
    await watcher`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${appName}`;
    const killed = await pending;
    release();

    expect(killed).toMatchObject({
      status: 503,
      body: { error: { code: "unavailable", details: { retryable: true } } },
    });
    expect(killed.retryAfter).toMatch(/^\d+$/);
    expect(await db.select().from(reservations).where(eq(reservations.lotId, lot.id))).toEqual([]);

    // Any write the driver deferred has fired by now; the process is still there and books.
    await new Promise((r) => setTimeout(r, 300));
    expect(app.child.exitCode).toBeNull();
    expect(app.child.signalCode).toBeNull();
    // postgres.js replays the killed backend's 57P01 on the first query of the reconnected
    // connection (porsager/postgres#1223): that attempt may be one more retryable 503.
    let retried = await book(input);
    if (retried.status === 503) retried = await book(input);
    expect(retried.status).toBe(201);
    expect(await db.select().from(reservations).where(eq(reservations.lotId, lot.id))).toHaveLength(1);
    expect(app.child.exitCode).toBeNull();
  });
});
