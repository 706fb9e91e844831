/**
 * `npm run bench` — rush hour, measured through the production server.
 *
 *   npm run bench               the default run (about 3 minutes after a build)
 *   npm run bench -- --scale    also 1,000 lots × 200 spots and 1,000,000 past reservations
 *   BENCH_ONLY=gate npm run bench   only some sections (booking, reads, gate), for profiling
 *   BENCH_CPU_PROF=/tmp/prof        each server writes a V8 CPU profile there when it stops
 *   BENCH_KEEP=1                    keeps the bench's database afterwards (to EXPLAIN its queries)
 *
 * Builds the app if the build is missing or older than the sources, then starts BENCH_PROCESSES
 * (default 3) `next start` processes on ports 3300+ against a database of its own on DATABASE_URL's
 * PostgreSQL (dropped afterwards) and a key prefix of its own on REDIS_URL, with SPOTKEEPER_DEMO=1.
 * Load comes from scripts/bench/load.ts in a separate process, round-robin over the processes:
 * open loop at a fixed rate for gates, quotes and availability, closed loop for booking. Every
 * figure is printed beside a baseline from the same run: pgbench's tpcb-like transaction on the
 * same PostgreSQL for booking, a bare node:http + ioredis GET server for the read paths.
 * Results: a table on stdout and bench/results.json.
 */
import { randomBytes, randomUUID, generateKeyPairSync } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import IORedis from "ioredis";
import postgres from "postgres";
import { driverToken, insertBookedCars, insertDrivers, insertScale } from "./bench/fixtures";
import type { BenchRequest, Job, LoadResult } from "./bench/load";
import { build, buildIsFresh, cpuMs, rssMiB, startBare, startNext, startScript, type Proc } from "./bench/processes";

const SCALE = process.argv.includes("--scale");
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 3);
const FIRST_PORT = Number(process.env.BENCH_PORT ?? 3300);
const GATES = 120; // per direction: 500 reads/s is a car every ~4 s per gate
const BOOKING_LOT_SPOTS = 5000;
const GATE_LOT_SPOTS = 4000;
const DRIVERS = 12_000;
const OPERATOR = "demo-operator-token";

const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const root = path.resolve(import.meta.dirname, "..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "spotkeeper-bench-"));
const verbose = process.env.BENCH_VERBOSE === "1";
// BENCH_ONLY=booking,reads,gate runs only those sections (for profiling one path; the full run is the figure).
const ONLY = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const want = (section: "booking" | "reads" | "gate") => !ONLY || ONLY.includes(section);
const log = (line: string) => console.log(`bench: ${line}`);

// ---- measuring ----------------------------------------------------------------------------------

type Stats = {
  n: number;
  p50: number;
  p99: number;
  perSecond: number;
  elapsedMs: number;
  errors: Record<string, number>;
};

function stats(r: LoadResult): Stats {
  const s = [...r.latenciesMs].sort((a, b) => a - b);
  const pct = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN);
  const ok = Object.entries(r.statuses).reduce(
    (n, [code, c]) => (Number(code) < 300 && Number(code) >= 200 ? n + c : n),
    0,
  );
  return {
    n: r.sent,
    p50: pct(50),
    p99: pct(99),
    perSecond: (ok / r.elapsedMs) * 1000,
    elapsedMs: r.elapsedMs,
    errors: r.errors,
  };
}

let jobCounter = 0;
async function load(job: Job): Promise<LoadResult> {
  const file = path.join(tmp, `job-${jobCounter++}.json`);
  writeFileSync(file, JSON.stringify(job));
  const child = startScript("load.ts", [file], process.env);
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => (out += c));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(out) as LoadResult;
}

function pgbench(db: string, clients: number, seconds: number): number {
  const out = execFileSync(
    "pgbench",
    ["-c", String(clients), "-j", String(Math.min(2, clients)), "-T", String(seconds), "-n", pgUrl(db)],
    { encoding: "utf8" },
  );
  const m = /tps = ([\d.]+)/.exec(out);
  if (!m) throw new Error(`pgbench printed no tps:\n${out}`);
  return Number(m[1]);
}

function pgUrl(db: string) {
  const u = new URL(serverUrl);
  u.pathname = `/${db}`;
  return u.toString();
}

// ---- the run ------------------------------------------------------------------------------------

async function api(port: number, method: string, p: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${p}`, {
    method,
    headers: {
      authorization: `Bearer ${OPERATOR}`,
      "content-type": "application/json",
      "x-forwarded-for": "10.255.0.1",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const ipOf = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

async function main() {
  const tag = randomBytes(4).toString("hex");
  const benchDb = `spotkeeper_bench_${tag}`;
  const pgbenchDb = `spotkeeper_pgbench_${tag}`;
  const prefix = `sk:bench:${tag}:`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1 });
  const servers: Proc[] = [];
  let bare: Proc | undefined;
  let sql: postgres.Sql | undefined;
  try {
    if (!buildIsFresh()) {
      log("building the app (next build)…");
      await build();
    }
    await admin.unsafe(`create database "${benchDb}"`);
    await admin.unsafe(`create database "${pgbenchDb}"`);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: pgUrl(benchDb),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      SPOTKEEPER_DEMO: "1",
      TRUSTED_PROXIES: "127.0.0.1",
      NEXTAUTH_SECRET: randomBytes(24).toString("hex"),
      QR_SIGNING_KEY: JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" })),
    };
    const serverLog = (line: string) => {
      if (verbose || /error|warn|fail/i.test(line)) console.log(line);
    };
    log(
      `starting ${PROCESSES} × next start on ports ${FIRST_PORT}–${FIRST_PORT + PROCESSES - 1} (database ${benchDb}, Redis prefix ${prefix})`,
    );
    // The first one migrates and seeds; the others start once the schema is there.
    servers.push(await startNext(FIRST_PORT, env, serverLog));
    servers.push(
      ...(await Promise.all(
        Array.from({ length: PROCESSES - 1 }, (_, i) => startNext(FIRST_PORT + 1 + i, env, serverLog)),
      )),
    );
    const port = (i: number) => servers[i % servers.length]!.port;
    sql = postgres(pgUrl(benchDb), { max: 2, onnotice: () => {} });

    log(
      `setting up: a 5,000-spot lot, a 4,000-spot lot with 240 gates and 4,000 booked cars, ${DRIVERS.toLocaleString("en")} drivers`,
    );
    const spotsBody = (n: number) => ({ counts: { compact: n } });
    const lotBody = (name: string, n: number) => ({
      name,
      address: "Loopback 1",
      time_zone: "Europe/Paris",
      currency: "EUR",
      spots: spotsBody(n),
    });
    const bookingLot = (
      (await api(port(0), "POST", "/v1/lots", lotBody("Bench stadium", BOOKING_LOT_SPOTS))) as { id: string }
    ).id;
    const gateLot = (
      (await api(port(0), "POST", "/v1/lots", lotBody("Bench station", GATE_LOT_SPOTS))) as { id: string }
    ).id;
    const gates: Record<"entry" | "exit", { gate_id: string; secret: string }[]> = { entry: [], exit: [] };
    for (const direction of ["entry", "exit"] as const) {
      for (let i = 0; i < GATES; i++) {
        const g = (await api(port(i), "POST", `/v1/lots/${gateLot}/gates`, {
          name: `${direction} ${i + 1}`,
          direction,
        })) as { gate_id: string; secret: string };
        gates[direction].push(g);
      }
    }
    await insertDrivers(sql, 1, DRIVERS);
    await insertBookedCars(sql, gateLot, "GT");
    // Rows written straight into the tables, as pgbench -i does for its own: give the planner their
    // statistics before measuring (the lots' spots, added through the API, are analyzed by the app).
    await sql`analyze users, reservations`;

    log("pgbench baseline (tpcb-like, scale 10, 10 s at 1 and at 32 clients)…");
    if (want("booking")) execFileSync("pgbench", ["-i", "-s", "10", "-q", pgUrl(pgbenchDb)], { stdio: "ignore" });
    const pgTps1 = want("booking") ? pgbench(pgbenchDb, 1, 10) : NaN;
    const pgTps32 = want("booking") ? pgbench(pgbenchDb, 32, 10) : NaN;

    const day = new Date(Date.now() + 2 * 86_400_000);
    day.setUTCHours(0, 0, 0, 0);
    const window = (hour: number) => ({
      start_time: new Date(day.getTime() + hour * 3_600_000).toISOString(),
      end_time: new Date(day.getTime() + (hour + 2) * 3_600_000).toISOString(),
    });
    let nextDriver = 1;
    const bookings = (count: number, hour: number): BenchRequest[] =>
      Array.from({ length: count }, (_, i) => {
        const n = nextDriver++;
        return {
          port: port(i),
          method: "POST",
          path: "/v1/reservations",
          headers: { authorization: `Bearer ${driverToken(n)}`, "x-forwarded-for": ipOf(n) },
          body: JSON.stringify({
            lot_id: bookingLot,
            vehicle_type: "compact",
            ...window(hour),
            license_plate: `BK${n}`,
          }),
        };
      });
    let nextCar = 1;
    const answered: string[] = [];
    const gateReads = (direction: "entry" | "exit", count: number, plates?: string[]): BenchRequest[] =>
      Array.from({ length: count }, (_, i) => {
        const gate = gates[direction][i % GATES]!;
        // Half booked cars, half plates nobody booked (a refusal must be as fast as an opening).
        const plate = plates
          ? plates[i]!
          : i % 2 === 0
            ? `GT${String(nextCar++).padStart(5, "0")}`
            : `NOPE${randomBytes(3).toString("hex")}`;
        return {
          port: port(i),
          method: "POST",
          path: direction === "entry" ? "/v1/gates/check-in" : "/v1/gates/check-out",
          headers: { authorization: `Bearer ${gate.secret}` },
          body: JSON.stringify({ lot_id: gateLot, gate_id: gate.gate_id, identifier: plate, event_id: randomUUID() }),
        };
      });
    const plateOf = (r: BenchRequest) => (JSON.parse(r.body!) as { identifier: string }).identifier;
    const reads = (url: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({ port: port(i), method: "GET", path: url }));

    log("warming up every process (routes, gate secrets, lots)…");
    const warm = await load({
      mode: "open",
      rate: 300,
      requests: [
        ...reads(
          `/v1/quotes?lot_id=${bookingLot}&vehicle_type=compact&start_time=${window(20).start_time}&end_time=${window(20).end_time}`,
          3 * PROCESSES,
        ),
        ...reads(
          `/v1/lots/${bookingLot}/availability?start_time=${window(20).start_time}&end_time=${window(20).end_time}`,
          3 * PROCESSES,
        ),
        ...[
          ...gateReads("entry", GATES * PROCESSES).filter((r) => plateOf(r).startsWith("NOPE")),
          ...gateReads("exit", GATES * PROCESSES).filter((r) => plateOf(r).startsWith("NOPE")),
        ],
      ].map((r, i) => ({ ...r, port: port(i) })),
    });
    answered.push(...warm.answeredEventIds);
    // A server that has run for a while, as a lot's has: a process's CPU per booking keeps falling
    // over its first ~2,000 requests while V8 optimises Next.js and the booking path (measured: 11.5,
    // 7.8, then 5.4 ms over three rounds), and 20 bookings per process left the 1-client phase
    // measuring that warm-up. Closed loop, on another window of the same lot.
    if (want("booking"))
      await load({ mode: "closed", clients: 8, durationMs: 60_000, requests: bookings(300 * PROCESSES, 20) });

    const results: Record<string, unknown> = {};
    const rows: { name: string; value: string; baseline: string; ratio: string; target: string; ok?: boolean }[] = [];
    const ms = (x: number) => `${x.toFixed(1)} ms`;

    // -- booking: closed loop, many drivers, one booking each, the same lot/type/window ---------------
    type BookingStats = Stats & { appCpuMsPerBooking: number; pgCpuMsPerBooking: number };
    let book1: BookingStats | undefined;
    let book32: BookingStats | undefined;
    // CPU per booking, of the app processes and of this database's PostgreSQL backends: figures a
    // busy machine does not blur the way it blurs latency.
    const cpuPerBooking = async (job: Job): Promise<BookingStats> => {
      const backends = (
        await sql!`select pid from pg_stat_activity where datname = ${benchDb} and pid <> pg_backend_pid()`
      ).map((r) => Number(r.pid));
      const app0 = cpuMs(servers.map((s) => s.child.pid!));
      const pg0 = cpuMs(backends);
      const s = stats(await load(job));
      const booked = (s.perSecond * s.elapsedMs) / 1000;
      const app = (cpuMs(servers.map((p) => p.child.pid!)) - app0) / booked;
      const pg = (cpuMs(backends) - pg0) / booked;
      return { ...s, appCpuMsPerBooking: app, pgCpuMsPerBooking: pg };
    };
    if (want("booking")) {
      log("booking: 1 client, 8 s…");
      book1 = await cpuPerBooking({ mode: "closed", clients: 1, durationMs: 8_000, requests: bookings(1500, 8) });
      log("booking: 32 clients, 10 s…");
      book32 = await cpuPerBooking({
        mode: "closed",
        clients: 32,
        durationMs: 10_000,
        requests: bookings(BOOKING_LOT_SPOTS, 11),
      });
      results.booking = { clients1: book1, clients32: book32, pgbenchTps1: pgTps1, pgbenchTps32: pgTps32 };
      const cpu = (b: BookingStats) => `app ${ms(b.appCpuMsPerBooking)} + PostgreSQL ${ms(b.pgCpuMsPerBooking)}`;
      rows.push(
        { name: "booking, 1 client: CPU per booking", value: cpu(book1), baseline: "", ratio: "", target: "" },
        { name: "booking, 32 clients: CPU per booking", value: cpu(book32), baseline: "", ratio: "", target: "" },
        {
          name: "booking, 1 client: bookings/s",
          value: book1.perSecond.toFixed(0),
          baseline: `pgbench -c 1: ${pgTps1.toFixed(0)} tps`,
          ratio: `${(book1.perSecond / pgTps1).toFixed(2)}×`,
          target: "",
        },
        {
          name: "booking, 1 client: p50 / p99",
          value: `${ms(book1.p50)} / ${ms(book1.p99)}`,
          baseline: "",
          ratio: "",
          target: "p50 < 10 ms",
          ok: book1.p50 < 10,
        },
        {
          name: "booking, 32 clients: bookings/s",
          value: book32.perSecond.toFixed(0),
          baseline: `pgbench -c 32: ${pgTps32.toFixed(0)} tps`,
          ratio: `${(book32.perSecond / pgTps32).toFixed(2)}×`,
          target: "≥ 0.2×",
          ok: book32.perSecond / pgTps32 >= 0.2,
        },
        {
          name: "booking, 32 clients: p50 / p99",
          value: `${ms(book32.p50)} / ${ms(book32.p99)}`,
          baseline: "",
          ratio: "",
          target: "p99 < 250 ms",
          ok: book32.p99 < 250,
        },
      );
    }

    // -- reads on the 5,000-spot lot (now holding the bookings above), open loop -------------------
    bare = await startBare(`${prefix}bench:probe`, FIRST_PORT + 40, process.env);
    await redis.set(`${prefix}bench:probe`, JSON.stringify({ reservation_id: randomUUID(), spot_label: "G-C0001" }));
    const bareAt = async (rate: number, seconds: number) =>
      stats(
        await load({
          mode: "open",
          rate,
          requests: Array.from({ length: rate * seconds }, () => ({
            port: bare!.port,
            method: "POST",
            path: "/",
            body: "{}",
          })),
        }),
      );
    const w = window(11);
    for (const [name, url] of want("reads")
      ? ([
          [
            "quote",
            `/v1/quotes?lot_id=${bookingLot}&vehicle_type=compact&start_time=${w.start_time}&end_time=${w.end_time}`,
          ],
          ["availability", `/v1/lots/${bookingLot}/availability?start_time=${w.start_time}&end_time=${w.end_time}`],
        ] as const)
      : []) {
      log(`${name} on the 5,000-spot lot: 50/s, 5 s…`);
      const s = stats(await load({ mode: "open", rate: 50, requests: reads(url, 250) }));
      const b = await bareAt(50, 5);
      results[name] = { ...s, bare: b };
      rows.push({
        name: `${name}, 5,000 spots: p50 / p99`,
        value: `${ms(s.p50)} / ${ms(s.p99)}`,
        baseline: `bare ${ms(b.p50)} / ${ms(b.p99)}`,
        ratio: `${(s.p99 / b.p99).toFixed(1)}× p99`,
        target: "p99 < 30 ms",
        ok: s.p99 < 30,
      });
    }

    // -- gates: open loop, 120 gates per direction, half booked cars -------------------------------
    const checkedIn: string[] = [];
    // Redis commands are counted server-wide (INFO commandstats): run the bench on a Redis of its
    // own (REDIS_URL) for an exact figure; PostgreSQL counters are the bench database's own.
    const gateCost = async () => {
      const info = await redis.info("commandstats");
      // Commands run inside a script count too; each script call (EVAL) is one round trip.
      const redisCommands = [...info.matchAll(/calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
      const redisScripts =
        Number(/cmdstat_eval:calls=(\d+)/.exec(info)?.[1] ?? 0) +
        Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0);
      const [pg] = await sql!<{ xacts: number; rows: number }[]>`
        select (xact_commit + xact_rollback)::float8 as xacts, (tup_inserted + tup_updated + tup_deleted)::float8 as rows
        from pg_stat_database where datname = current_database()`;
      return {
        cpuMs: cpuMs(servers.map((p) => p.child.pid!)),
        redisCommands,
        redisScripts,
        pgXacts: pg!.xacts,
        pgRowsWritten: pg!.rows,
      };
    };
    type Cost = Awaited<ReturnType<typeof gateCost>>;
    const perRead = (a: Cost, b: Cost, n: number) => ({
      cpuMs: (b.cpuMs - a.cpuMs) / n,
      redisCommands: (b.redisCommands - a.redisCommands) / n,
      redisScripts: (b.redisScripts - a.redisScripts) / n,
      pgXacts: (b.pgXacts - a.pgXacts) / n,
      pgRowsWritten: (b.pgRowsWritten - a.pgRowsWritten) / n,
    });
    const recorded = async (ids: string[]) => {
      for (const until = Date.now() + 60_000; Date.now() < until;) {
        const [{ n }] = await sql!<
          { n: number }[]
        >`select count(*)::int as n from gate_events where event_id = any(${ids}::uuid[])`;
        if (n >= ids.length) break;
        await new Promise((res) => setTimeout(res, 250));
      }
      // PostgreSQL publishes its counters at most once a second, and the recorder's transitions follow the insert.
      await new Promise((res) => setTimeout(res, 2_000));
    };
    for (const direction of want("gate") ? (["entry", "exit"] as const) : []) {
      for (const rate of [200, 500]) {
        const label = direction === "entry" ? "check-in" : "check-out";
        log(`gate ${label}: ${rate} reads/s over ${GATES} gates, 5 s…`);
        // Exits are the cars that came in, in the same order.
        const requests =
          direction === "entry"
            ? gateReads("entry", rate * 5)
            : gateReads("exit", rate * 5, checkedIn.splice(0, rate * 5));
        if (direction === "entry") checkedIn.push(...requests.map(plateOf));
        const before = await gateCost();
        const r = await load({ mode: "open", rate, requests });
        answered.push(...r.answeredEventIds);
        // What load cannot blur: the servers' CPU, PostgreSQL transactions and Redis commands per
        // read, from before the load until every read of it is recorded (answer + recording).
        await recorded(r.answeredEventIds);
        const cost = perRead(before, await gateCost(), r.sent);
        const s = stats(r);
        const b = await bareAt(rate, 5);
        results[`gate_${label}_${rate}`] = { ...s, bare: b, cost };
        rows.push({
          name: `gate ${label} @ ${rate}/s: p50 / p99`,
          value: `${ms(s.p50)} / ${ms(s.p99)}`,
          baseline: `bare ${ms(b.p50)} / ${ms(b.p99)}`,
          ratio: `${(s.p50 / b.p50).toFixed(1)}× p50, ${(s.p99 / b.p99).toFixed(1)}× p99`,
          target: rate === 500 ? "p99 < 20 ms, p50 ≤ 3× bare" : "",
          ok: rate === 500 ? s.p99 < 20 && s.p50 <= 3 * b.p50 : undefined,
        });
        rows.push({
          name: `gate ${label} @ ${rate}/s: cost per read`,
          value: `${cost.cpuMs.toFixed(2)} CPU ms, ${cost.pgXacts.toFixed(2)} PG xacts`,
          baseline: `Redis ${cost.redisScripts.toFixed(2)} scripts, ${cost.redisCommands.toFixed(1)} cmds`,
          ratio: `${cost.pgRowsWritten.toFixed(2)} rows written`,
          target: "",
        });
      }
    }

    // -- every answered read has its gate event ---------------------------------------------------
    // A read repeated at the same gate within 5 s is answered with the first read's event id: one event.
    const distinct = [...new Set(answered)];
    answered.splice(0, answered.length, ...distinct);
    log(`waiting for ${answered.length} answered reads to reach gate_events…`);
    let stored = 0;
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      [{ stored }] = await sql<
        { stored: number }[]
      >`select count(*)::int as stored from gate_events where event_id = any(${answered}::uuid[])`;
      if (stored >= answered.length) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    results.gate_events = { answered: answered.length, stored, lost: answered.length - stored };
    if (stored < answered.length) {
      // Say where the missing ones are, before the database and keys are dropped.
      const found = new Set(
        (
          await sql<
            { id: string }[]
          >`select event_id::text as id from gate_events where event_id = any(${answered}::uuid[])`
        ).map((r) => r.id),
      );
      const missing = answered.filter((id) => !found.has(id));
      const stream = `${prefix}gate:answered`;
      const pending = await redis.xpending(stream, "recorders").catch((e: Error) => e.message);
      const entries = await redis.xrange(stream, "-", "+", "COUNT", 5).catch(() => []);
      log(`missing gate events: ${missing.slice(0, 10).join(", ")}`);
      log(`stream ${stream}: length ${await redis.xlen(stream)}, pending ${JSON.stringify(pending)}`);
      log(`first entries: ${JSON.stringify(entries).slice(0, 2000)}`);
    }
    rows.push({
      name: "answered gate reads without a gate event",
      value: String(answered.length - stored),
      baseline: `${answered.length} answered`,
      ratio: "",
      target: "0",
      ok: stored === answered.length,
    });

    // -- --scale: 1,000 lots × 200 spots and 1,000,000 past reservations ----------------------------
    if (SCALE && book32) {
      log("scale: inserting 1,000 lots × 200 spots and 1,000,000 past reservations…");
      await insertScale(sql, 1000, 200, 1_000_000);
      log("scale: booking 32 clients 10 s, gate check-in 200/s 5 s…");
      const scaledBook = stats(
        await load({ mode: "closed", clients: 32, durationMs: 10_000, requests: bookings(2500, 14) }),
      );
      const r = await load({ mode: "open", rate: 200, requests: gateReads("entry", 1000) });
      answered.push(...r.answeredEventIds);
      const scaledGate = stats(r);
      const oneLotGate = results["gate_check-in_200"] as Stats;
      results.scale = { booking32: scaledBook, gateCheckIn200: scaledGate };
      rows.push(
        {
          name: "scale: booking 32 clients p50 / p99",
          value: `${ms(scaledBook.p50)} / ${ms(scaledBook.p99)}`,
          baseline: `1 lot ${ms(book32.p50)} / ${ms(book32.p99)}`,
          ratio: `${(scaledBook.p99 / book32.p99).toFixed(2)}× p99`,
          target: "within 20 %",
          ok: scaledBook.p99 <= book32.p99 * 1.2,
        },
        {
          name: "scale: booking 32 clients bookings/s",
          value: scaledBook.perSecond.toFixed(0),
          baseline: `1 lot ${book32.perSecond.toFixed(0)}`,
          ratio: `${(scaledBook.perSecond / book32.perSecond).toFixed(2)}×`,
          target: "within 20 %",
          ok: scaledBook.perSecond >= book32.perSecond * 0.8,
        },
        {
          name: "scale: gate check-in @ 200/s p50 / p99",
          value: `${ms(scaledGate.p50)} / ${ms(scaledGate.p99)}`,
          baseline: `1 lot ${ms(oneLotGate.p50)} / ${ms(oneLotGate.p99)}`,
          ratio: `${(scaledGate.p99 / oneLotGate.p99).toFixed(2)}× p99`,
          target: "within 20 %",
          ok: scaledGate.p99 <= oneLotGate.p99 * 1.2,
        },
      );
    }

    const rss = servers.map((s) => rssMiB(s.child.pid!));
    results.rssMiB = rss;
    rows.push({
      name: `server RSS at the end (${servers.length} processes)`,
      value: rss.map((x) => `${x.toFixed(0)} MiB`).join(", "),
      baseline: "",
      ratio: "",
      target: "",
    });

    const errors = [book1, book32].flatMap((s) => Object.entries(s?.errors ?? {}).map(([k, v]) => `${k} ×${v}`));
    console.log("");
    const cols = [44, 26, 26, 24, 26];
    const line = (c: string[]) => console.log(c.map((x, i) => x.padEnd(cols[i]!)).join(" "));
    line(["figure", "measured", "baseline (same run)", "ratio", "target"]);
    line(cols.map((n) => "-".repeat(n)));
    for (const r of rows)
      line([
        r.name,
        r.value,
        r.baseline,
        r.ratio,
        r.target ? `${r.target} ${r.ok === undefined ? "" : r.ok ? "✓" : "✗"}` : "",
      ]);
    if (errors.length) console.log(`\nbooking answers other than 201: ${errors.join(", ")}`);
    console.log(
      `\nmachine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}; ${servers.length} next start processes, round-robin`,
    );
    mkdirSync(path.join(root, "bench"), { recursive: true });
    const out = {
      at: new Date().toISOString(),
      processes: servers.length,
      cores: os.cpus().length,
      loadAverage: os.loadavg(),
      scale: SCALE,
      rows,
      results,
    };
    // A partial run (BENCH_ONLY) is for profiling: it never replaces the full run's figures.
    const file = ONLY ? path.join(tmp, "results.json") : path.join(root, "bench/results.json");
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    log(`wrote ${file}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await bare?.stop();
    await sql?.end();
    // BENCH_KEEP=1 keeps the bench's database, to look at its plans (EXPLAIN) after the run.
    const keep = process.env.BENCH_KEEP === "1" ? [benchDb] : [];
    if (keep.length) log(`kept database ${benchDb}`);
    for (const db of [benchDb, pgbenchDb].filter((d) => !keep.includes(d)))
      await admin.unsafe(`drop database if exists "${db}" with (force)`).catch(() => {});
    await admin.end();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
