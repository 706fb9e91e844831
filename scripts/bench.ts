/**
 * `npm run bench`: the gate's check-in decision latency through HTTP, against a bare Redis GET
 * measured in the same run, printed as a ratio.
 *
 * Needs REDIS_URL (the fast path is Redis); uses DATABASE_URL's server if set — in a database of its
 * own, dropped afterwards — else an embedded PostgreSQL in a temporary folder. Everything runs on
 * loopback; every loop is bounded. Each check-in reads a different booked plate, so every request
 * is a full decision (not a duplicate answered from the 5-second window) that opens the barrier.
 *
 * - The headline figure is one car at a time, as at a real barrier: what a read started in the
 *   background (the gate event, the workflow event, its consumer checking the car in, the pass
 *   rewritten in Redis) finishes between two reads, untimed.
 * - "Back to back" fires the reads without that pause, so each competes with the background work of
 *   all the reads before it in the same process: a stress figure, far above any gate's rate.
 */
import { spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import IORedis from "ioredis";
import postgres from "postgres";

const N = Number(process.env.BENCH_REQUESTS ?? 1000);
const WARMUP = 100;
const BURST_N = Math.min(500, N);
const FALLBACK_N = Math.min(300, N);

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  console.error("bench: set REDIS_URL (e.g. redis://127.0.0.1:6379): the figure is the gate's Redis fast path against a bare Redis GET.");
  process.exit(1);
}

type Teardown = () => Promise<void>;

async function database(): Promise<{ url: string; teardown: Teardown }> {
  const name = `spotkeeper_bench_${randomBytes(4).toString("hex")}`;
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      teardown: async () => {
        const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists "${name}" with (force)`);
        await a.end();
      },
    };
  }
  const { startEmbeddedPostgres } = await import("@/db/embedded");
  const port = 54400 + Math.floor(Math.random() * 500);
  const pg = await startEmbeddedPostgres({ dir: path.join(os.tmpdir(), name), port, persistent: false, database: name });
  return { url: pg.url, teardown: pg.stop };
}

/** The server in a child process with this process's environment (database, Redis prefix, key). */
function startServer(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, [...process.execArgv, path.join(import.meta.dirname, "bench-server.ts")], {
    env: process.env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const m = /port (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), stop: () => child.kill() });
    });
    child.on("exit", (code) => reject(new Error(`bench server exited (${code}) before listening`)));
  });
}

function percentile(sortedMs: number[], p: number) {
  return sortedMs[Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)]!;
}

async function measure(n: number, op: (i: number) => Promise<void>, between?: () => Promise<void>) {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await op(i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await between?.();
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function main() {
  const db0 = await database();
  process.env.DATABASE_URL = db0.url;
  process.env.REDIS_PREFIX = `sk:bench:${randomBytes(4).toString("hex")}:`;
  process.env.QR_SIGNING_KEY ??= JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }));

  const { getDb, closeDb } = await import("@/db/client");
  const { closeRedis } = await import("@/lib/redis");
  const { organisations, reservations, users } = await import("@/db/schema");
  const { CreateLotInput } = await import("@/lib/api/schemas");
  const { createLot } = await import("@/lib/lots/manage-lots");
  const { listSpots } = await import("@/db/queries/lots");
  const { createGate } = await import("@/lib/gates/manage-gates");
  const { syncGatePass } = await import("@/lib/gates/sync-gate-pass");

  const redis = new IORedis(redisUrl!, { maxRetriesPerRequest: 1 });
  let server: { port: number; stop: () => void } | undefined;
  try {
    const db = await getDb();
    const cars = WARMUP + N + BURST_N + FALLBACK_N;
    console.log(`bench: setting up a lot with ${cars} booked plates…`);
    const [org] = await db.insert(organisations).values({ name: "Bench organisation" }).returning();
    const { lot } = await createLot(
      db,
      CreateLotInput.parse({ name: "Bench lot", address: "Loopback 1", time_zone: "UTC", currency: "EUR", spots: { counts: { compact: cars } } }),
      org!.id,
    );
    const gate = await createGate(db, lot.id, { name: "Bench entry", direction: "entry" });
    const [driver] = await db.insert(users).values({ email: "bench@spotkeeper.dev", name: "Bench Driver" }).returning({ id: users.id });
    const spots = await listSpots(db, lot.id);
    const start = new Date(Date.now() + 5 * 60_000);
    const end = new Date(start.getTime() + 2 * 3600_000);
    const plates = spots.map((_, i) => `BENCH${String(i).padStart(5, "0")}`);
    // Rows written directly as if paid: the bench measures the gate, not booking and payment.
    const ids: string[] = [];
    for (let i = 0; i < spots.length; i += 500) {
      const rows = await db
        .insert(reservations)
        .values(
          spots.slice(i, i + 500).map((s, j) => ({
            userId: driver!.id,
            lotId: lot.id,
            spotId: s.id,
            vehicleType: "compact" as const,
            licensePlate: plates[i + j]!,
            startTime: start,
            endTime: end,
            status: "confirmed" as const,
            amount: 0,
            currency: "EUR",
          })),
        )
        .returning({ id: reservations.id });
      ids.push(...rows.map((r) => r.id));
    }
    const withPasses = WARMUP + N + BURST_N;
    for (let i = 0; i < withPasses; i += 200) await syncGatePass(db, ids.slice(i, Math.min(i + 200, withPasses)));

    server = await startServer();
    // A keep-alive connection, as a bridge keeps to its server.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const call = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port: server!.port, method, path, agent, headers: { authorization: `Bearer ${gate.secret}`, "content-type": "application/json" } },
          (res) => {
            let text = "";
            res.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve({ status: res.statusCode!, body: text }));
          },
        );
        req.on("error", reject).end(body);
      });
    const read = async (plate: string) => {
      const res = await call("POST", "/v1/gates/check-in", JSON.stringify({ lot_id: lot.id, gate_id: gate.gate_id, identifier: plate }));
      if (!res.body.includes('"action":"open_barrier"')) throw new Error(`bench: expected open_barrier, got ${res.status} ${res.body}`);
    };
    const settled = async () => {
      await call("GET", "/__settled");
    };

    const key = `${process.env.REDIS_PREFIX}bench:probe`;
    await redis.set(key, JSON.stringify({ reservation_id: ids[0], spot_label: "G-C001" }));
    for (let i = 0; i < WARMUP; i++) {
      await read(plates[i]!);
      await redis.get(key);
    }
    await settled();
    let next = WARMUP;
    // Interleaved, so both figures see the same machine at the same moments.
    const bareSamples: number[] = [];
    const gateFast = await measure(
      N,
      () => read(plates[next++]!),
      async () => {
        await settled();
        const t0 = process.hrtime.bigint();
        await redis.get(key);
        bareSamples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      },
    );
    bareSamples.sort((a, b) => a - b);
    const bare = { p50: percentile(bareSamples, 50), p99: percentile(bareSamples, 99) };
    const burst = await measure(BURST_N, () => read(plates[next++]!));
    await settled();

    // The same decision with no pass in the store: PostgreSQL answers (a Redis miss or outage).
    await call("POST", "/__empty-store");
    const gateFallback = await measure(FALLBACK_N, () => read(plates[next++]!), settled);
    await settled();
    agent.destroy();

    const row = (label: string, m: { p50: number; p99: number }) => console.log(`${label.padEnd(62)} p50 ${fmt(m.p50).padStart(10)}  p99 ${fmt(m.p99).padStart(10)}`);
    console.log("");
    row(`gate check-in through HTTP, Redis fast path (${N} cars)`, gateFast);
    row(`bare Redis GET, ioredis (${N} calls)`, bare);
    console.log(`${"ratio gate / bare Redis GET".padEnd(62)} p50 ${`${(gateFast.p50 / bare.p50).toFixed(1)}×`.padStart(10)}  p99 ${`${(gateFast.p99 / bare.p99).toFixed(1)}×`.padStart(10)}`);
    row(`gate check-in, back to back (${BURST_N} cars, stress)`, burst);
    row(`gate check-in, PostgreSQL fallback (${FALLBACK_N} cars)`, gateFallback);
  } finally {
    server?.stop();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${process.env.REDIS_PREFIX}*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    redis.disconnect();
    await closeRedis();
    await closeDb();
    await db0.teardown();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
