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
});
