import "server-only";
import path from "node:path";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { env } from "@/lib/env";
import { startEmbeddedPostgres } from "./embedded";
import { migrateDatabase } from "./migrate";
import { openPool } from "./pool";
import * as schema from "./schema";
import { seedDemo } from "./seed";

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Query functions take this first, so the same function runs inside a transaction or outside. */
export type DbOrTx = Db | Tx;

type Ready = { db: Db; close: () => Promise<void> };

// One bootstrap per process, kept on globalThis so Next.js' module reloading does not start a
// second embedded cluster or connection pool.
const g = globalThis as unknown as { __spotkeeperDb?: Promise<Ready> };

async function bootstrap(): Promise<Ready> {
  const e = env();
  let url = e.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const embedded = await startEmbeddedPostgres({
      dir: e.EMBEDDED_PG_DIR ?? path.join(process.cwd(), ".data/postgres"),
      port: e.EMBEDDED_PG_PORT,
      persistent: true,
    });
    url = embedded.url;
    stopEmbedded = embedded.stop;
    console.log(`[spotkeeper] demo mode: embedded PostgreSQL on port ${e.EMBEDDED_PG_PORT}`);
  }
  await migrateDatabase(url);
  // DB_PREPARE=false: a pooler in front that does not keep prepared statements (PgBouncer before 1.21).
  const sql = openPool(url, {
    max: Number(process.env.DB_POOL_SIZE ?? 10),
    prepare: process.env.DB_PREPARE !== "false",
  });
  const db = drizzle(sql, { schema });
  if (e.demo) await seedDemo(db, { driverToken: e.DEMO_DRIVER_TOKEN, operatorToken: e.DEMO_OPERATOR_TOKEN });
  return {
    db,
    close: async () => {
      await sql.end({ timeout: 5 });
      await stopEmbedded?.();
    },
  };
}

/**
 * The pool if this process has one open (or opening), without opening one: for background writes
 * (a timer's flush) that must not bring a database up, and migrate it, on their own — in a test
 * worker that had just closed and dropped its database, one did, and hung the worker's teardown.
 */
export function openedDb(): Promise<Db> | undefined {
  return g.__spotkeeperDb?.then((r) => r.db);
}

export function getDb(): Promise<Db> {
  g.__spotkeeperDb ??= bootstrap().catch((err) => {
    g.__spotkeeperDb = undefined; // let the next request try again rather than caching the failure
    throw err;
  });
  return g.__spotkeeperDb.then((r) => r.db);
}

export async function closeDb() {
  const ready = g.__spotkeeperDb;
  g.__spotkeeperDb = undefined;
  if (ready) await (await ready).close();
}
