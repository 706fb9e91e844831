import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import { isDatabaseUnavailable } from "@/lib/errors";
import type { Db } from "../client";

const dialect = new PgDialect();

type Row = Record<string, unknown>;

/**
 * Runs `statements` as one transaction in one round trip: BEGIN, the statements and COMMIT are
 * written together on one reserved connection, where `db.transaction` waits for BEGIN's answer,
 * then for the statements', then for COMMIT's. PostgreSQL still runs them one after another, each
 * statement with a snapshot of its own (READ COMMITTED), so a lock taken by one statement is held
 * when the next one's snapshot is taken. Returns each statement's rows.
 *
 * A statement that fails aborts the transaction: the statements after it fail too (25P02) and
 * PostgreSQL ends the transaction at COMMIT with a ROLLBACK, so none of it is kept; the first
 * error is thrown, once every answer is in. The connection goes back to the pool only then, open
 * and idle: postgres.js 3.4's release() puts a connection that closed while reserved back among the
 * open ones, and the pool never recovers (porsager/postgres#1199; db/pool.ts has the driver's other
 * faults).
 */
export async function pipelinedTransaction(db: Db, statements: SQL[]): Promise<Row[][]> {
  const client = (db as Db & { $client: postgres.Sql }).$client;
  const prepare = (client.options as { prepare?: boolean }).prepare !== false;
  const conn = await client.reserve();
  const sent = [
    conn.unsafe("begin"),
    ...statements.map((s) => {
      const q = dialect.sqlToQuery(s);
      return conn.unsafe(q.sql, q.params as never[], { prepare });
    }),
    conn.unsafe("commit"),
  ];
  const answers = sent.map((q) =>
    q.then(
      (rows): Answer => ({ ok: true, rows: [...rows] }),
      (error: unknown): Answer => ({ ok: false, error }),
    ),
  );
  // A lost connection answers the queries it had sent with its error, but never the ones postgres.js
  // still held back for it: stop waiting at the first such error, and never hand the connection back.
  const lost = new Promise<unknown>((resolve) => {
    for (const a of answers) void a.then((x) => !x.ok && isDatabaseUnavailable(x.error) && resolve(x.error));
  });
  const all = await Promise.race([Promise.all(answers), lost.then((error) => ({ lost: error }))]);
  if ("lost" in all) throw all.lost;
  conn.release();
  const failed = all.find((a) => !a.ok);
  if (failed && !failed.ok) throw failed.error;
  return all.slice(1, -1).map((a) => (a.ok ? a.rows : []));
}

type Answer = { ok: true; rows: Row[] } | { ok: false; error: unknown };
