import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/db/client";
import { inngest } from "@/inngest/client";
import type { GatePass } from "@/lib/gates/gate-pass";
import { rebuildKnownPlates, reconcilePasses } from "@/lib/gates/pass-reconcile";
import { sweepAnsweredReads } from "@/lib/gates/read-log";
import { gateKeys, gateStores } from "@/lib/gates/store";
import { getRedis } from "@/lib/redis";
import { createTestLot, createUser } from "./fixtures";
import { apps, startApp, type App } from "./support/app-children";
import { createGate, uniquePlate } from "./support/gates";
import { useOwnDatabase } from "./support/workflows";

// Recording answered gate reads in batches. An app process answers the reads (a frozen one, so
// nothing of its own records them: they wait in the answered-reads log); this test then records the
// log the way every process's recorder does, and counts what that costs. With Inngest configured
// (a local stand-in for its event API), the movements are published in one request.
await useOwnDatabase();

type Sent = { name: string; data: Record<string, unknown>; id: string };
const received: Sent[][] = [];
const inngestServer: Server = createServer((req, res) => {
  let body = "";
  req
    .on("data", (c) => (body += c))
    .on("end", () => {
      const events = JSON.parse(body) as Sent[];
      received.push(events);
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ids: events.map((e) => e.id), status: 200 }));
    });
});
await new Promise<void>((r) => inngestServer.listen(0, "127.0.0.1", r));
process.env.INNGEST_DEV = `http://127.0.0.1:${(inngestServer.address() as AddressInfo).port}`;
inngest.setEnvVars();
afterAll(async () => {
  delete process.env.INNGEST_DEV;
  inngest.setEnvVars({ INNGEST_DEV: undefined });
  await new Promise<void>((r) => inngestServer.close(() => r()));
  await Promise.all(apps.map((a) => a.kill()));
});

/** Statements this process sends to PostgreSQL while `fn` runs (postgres.js' debug hook). */
async function statementsOf(db: Db, fn: () => Promise<unknown>) {
  const options = (db as unknown as { $client: { options: { debug?: unknown } } }).$client.options;
  let n = 0;
  options.debug = () => n++;
  try {
    await fn();
  } finally {
    options.debug = undefined;
  }
  return n;
}

const appStatements = async (app: App) =>
  ((await (await fetch(`${app.url}/test/statements`)).json()) as { statements: number }).statements;

let driverId: string;
beforeAll(async () => {
  driverId = (await createUser("driver")).id;
});
afterEach(() => {
  received.length = 0;
});

/** `n` confirmed bookings in a lot, starting five minutes ago, with plates; their passes in Redis and the lot marked loaded. */
async function bookedLot(n: number) {
  const db = await getDb();
  const lot = await createTestLot({ counts: { compact: n } });
  const gate = await createGate(await createUser("operator"), lot.id, "entry");
  const prefix = uniquePlate();
  const rows = await db.execute<{ id: string; license_plate: string }>(sql`
    insert into reservations (user_id, lot_id, spot_id, vehicle_type, license_plate, start_time, end_time, status, amount, currency)
    select ${driverId}, ${lot.id}, id, 'compact', ${prefix} || row_number() over (order by label), now() - interval '5 minutes', now() + interval '2 hours', 'confirmed', 500, 'EUR'
    from spots where lot_id = ${lot.id}
    returning id, license_plate`);
  await reconcilePasses(db, lot.id);
  await rebuildKnownPlates(db);
  return { db, lot, gate, cars: [...rows].map((r) => ({ id: r.id, plate: r.license_plate })) };
}

async function read(app: App, gate: { gate_id: string; lot_id: string; secret: string }, plate: string) {
  const res = await fetch(`${app.url}/v1/gates/check-in`, {
    method: "POST",
    headers: { authorization: `Bearer ${gate.secret}`, "content-type": "application/json" },
    body: JSON.stringify({ lot_id: gate.lot_id, gate_id: gate.gate_id, identifier: plate, event_id: randomUUID() }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { action: string; reason?: string; reservation_id?: string; event_id: string };
}

describe("answered gate reads recorded in batches", () => {
  it("answers from Redis alone, then records 200 reads — events, check-ins, passes, movements — in as many statements as 20", async () => {
    const app = await startApp({ APP_FREEZE_AFTER_GATE_ANSWER: "1" });
    const small = await bookedLot(10);
    const big = await bookedLot(100);
    // The gate's first read looks its secret up (then cached in the process), as every new gate's does.
    await read(app, small.gate, `NOBODY${randomUUID().slice(0, 6)}`.toUpperCase());
    await read(app, big.gate, `NOBODY${randomUUID().slice(0, 6)}`.toUpperCase());
    const db = small.db;
    await sweepAnsweredReads(db, { olderThanMs: 0 });
    received.length = 0;

    const answerAll = async (lot: Awaited<ReturnType<typeof bookedLot>>) => {
      const before = await appStatements(app);
      // Half booked cars, half plates nobody booked.
      const plates = lot.cars.flatMap((c, i) => [c.plate, `NOPE${i}X${randomUUID().slice(0, 4)}`.toUpperCase()]);
      const answers = await Promise.all(plates.map((p) => read(app, lot.gate, p)));
      return { answers, statements: (await appStatements(app)) - before };
    };

    const a = await answerAll(small);
    // Reads nobody has taken yet are drained, not reported as recovered: the recorders' normal work.
    let swept: Awaited<ReturnType<typeof sweepAnsweredReads>> | undefined;
    const costSmall = await statementsOf(db, async () => (swept = await sweepAnsweredReads(db, { olderThanMs: 0 })));
    expect(swept).toEqual({ recovered: 0, drained: 20 });
    const sentSmall = received.length;
    const b = await answerAll(big);
    const costBig = await statementsOf(db, () => sweepAnsweredReads(db, { olderThanMs: 0 }));
    // A read costs no PostgreSQL query when Redis holds the lot's passes: a booked car, or a plate nobody booked.
    expect([a.statements, b.statements]).toEqual([0, 0]);
    expect(b.answers.filter((x) => x.action === "open_barrier")).toHaveLength(100);
    expect(b.answers.filter((x) => x.reason === "no_reservation")).toHaveLength(100);

    // Ten times the reads, the same statements: one insert of the events, one check-in of every
    // car let in, one batched rewrite of their passes.
    expect(costBig).toBe(costSmall);
    expect(costBig).toBeLessThanOrEqual(12);
    expect([sentSmall, received.length - sentSmall]).toEqual([1, 1]);

    const events = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from gate_events where event_id in ${b.answers.map((x) => x.event_id)}`,
    );
    expect(events[0]!.n).toBe(200);
    const ids = big.cars.map((c) => c.id);
    const moved = await db.execute<{ reservation_id: string; n: number; cause: string }>(sql`
      select reservation_id, count(*)::int as n, min(cause) as cause from reservation_transitions
      where reservation_id in ${ids} and from_status = 'confirmed' and to_status = 'checked_in' group by 1`);
    expect(moved).toHaveLength(100);
    expect(moved.every((m) => m.n === 1 && m.cause === "gate")).toBe(true);
    const statuses = await db.execute<{ status: string; checked_in: boolean }>(sql`
      select distinct status, checked_in_at is not null as checked_in from reservations where id in ${ids}`);
    expect([...statuses]).toEqual([{ status: "checked_in", checked_in: true }]);
    // The passes now say the cars are inside (anti-passback from Redis alone).
    const { shared } = gateStores();
    const passes = await shared.getMany([
      ...big.cars.map((c) => gateKeys.reservation(c.id)),
      ...big.cars.map((c) => gateKeys.plate(big.lot.id, c.plate)),
    ]);
    const parsed = passes
      .map((p) => JSON.parse(p!) as GatePass | GatePass[])
      .flatMap((p) => (Array.isArray(p) ? p : [p]));
    expect(parsed).toHaveLength(200);
    expect(parsed.every((p) => p.status === "checked_in")).toBe(true);
    // Each movement published once, in one request, keyed by the gate event's id.
    const entered = received.at(-1)!;
    expect(entered).toHaveLength(100);
    expect(new Set(entered.map((e) => e.data.reservation_id))).toEqual(new Set(ids));
    expect(entered.every((e) => e.name === "parking/vehicle.entered" && e.id === e.data.event_id)).toBe(true);

    await app.kill();
  });

  it("records the reads a recorder took and never acknowledged (it died): another takes them over", async () => {
    const app = await startApp({ APP_FREEZE_AFTER_GATE_ANSWER: "1" });
    const lot = await bookedLot(5);
    const answers = await Promise.all(lot.cars.map((c) => read(app, lot.gate, c.plate)));
    await app.kill();
    // A recorder elsewhere read these entries from the group, then died before recording them.
    const taken = (await getRedis()!.eval(
      "pcall(redis.call, 'XGROUP', 'CREATE', KEYS[1], 'recorders', '0', 'MKSTREAM') return redis.call('XREADGROUP', 'GROUP', 'recorders', 'dead-recorder', 'COUNT', 100, 'STREAMS', KEYS[1], '>')",
      [gateKeys.log()],
      [],
    )) as [string, [string, string[]][]][] | null;
    expect(taken?.[0]?.[1].length).toBeGreaterThanOrEqual(5);
    const db = lot.db;
    const stored = async () =>
      (
        await db.execute<{ n: number }>(
          sql`select count(*)::int as n from gate_events where event_id in ${answers.map((a) => a.event_id)}`,
        )
      )[0]!.n;
    // Not yet stale: a sweep leaves another consumer's pending entries alone.
    expect((await sweepAnsweredReads(db)).recovered).toBe(0);
    expect(await stored()).toBe(0);
    // Stale (here at once): taken over and recorded — reported as recovered —, and the cars checked in.
    expect((await sweepAnsweredReads(db, { olderThanMs: 0 })).recovered).toBeGreaterThanOrEqual(5);
    expect(await stored()).toBe(5);
    const statuses = await db.execute<{ status: string }>(
      sql`select distinct status from reservations where id in ${lot.cars.map((c) => c.id)}`,
    );
    expect([...statuses]).toEqual([{ status: "checked_in" }]);
  });
});
