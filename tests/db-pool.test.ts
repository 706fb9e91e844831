import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { afterAll, describe, expect, it } from "vitest";
import { openPool } from "@/db/pool";

// drizzle sends its queries unnamed, which costs postgres.js a describe round trip before each one
// with parameters; the pool names them (db/pool.ts). Checked on the connection itself: PostgreSQL's
// view of its prepared statements.
const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const pools: ReturnType<typeof openPool>[] = [];
afterAll(() => Promise.all(pools.map((p) => p.end())));

async function namedOnConnection(options: Parameters<typeof openPool>[1]) {
  const pool = openPool(url, { max: 1, ...options });
  pools.push(pool);
  const db = drizzle(pool);
  const marker = `pool-test-${Math.random().toString(36).slice(2)}`;
  return db.transaction(async (tx) => {
    for (let i = 0; i < 3; i++) await tx.execute(sql`select ${i}::int as n, ${marker}::text as marker`);
    const [row] = await tx.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%::text as marker%`}`,
    );
    return row!.n;
  });
}

describe("the application's PostgreSQL pool", () => {
  it("prepares a repeated parameterized query once on its connection", async () => {
    expect(await namedOnConnection({})).toBe(1);
  });

  it("leaves queries unnamed with prepare: false (DB_PREPARE=false)", async () => {
    expect(await namedOnConnection({ prepare: false })).toBe(0);
  });

  // postgres.js kept a dead connection's parse state (scripts/patch-postgres.mjs): the first query
  // after the reconnect was refused with the old backend's 57P01, and the next one's rows came after
  // as many empty slots as rows had arrived before the kill.
  it("answers correctly on the new connection after its backend dies mid-result", async () => {
    const pool = openPool(url, { max: 1 });
    const admin = openPool(url, { max: 1 });
    pools.push(pool, admin);
    const db = drizzle(pool);
    const [{ pid }] = await pool`select pg_backend_pid() as pid`;
    // Two rows arrive, then the third sleeps until the backend is terminated.
    const streaming = pool`select g, pg_sleep(case when g = 3 then 30 else 0 end) from generate_series(1, 5) g`;
    const failed = streaming.then(
      () => "answered",
      (err: { code?: string }) => err.code,
    );
    for (;;) {
      const [row] = await admin`select wait_event from pg_stat_activity where pid = ${pid}`;
      if (row?.wait_event === "PgSleep") break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await admin`select pg_terminate_backend(${pid})`;
    expect(await failed).toBe("CONNECTION_CLOSED");

    for (let i = 0; i < 3; i++) {
      const rows = await db.execute<{ i: number }>(sql`select ${i}::int as i`);
      expect([...rows]).toEqual([{ i }]);
    }
    const [{ pid: after }] = await pool`select pg_backend_pid() as pid`;
    expect(after).not.toBe(pid);
  });
});
