import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { CALLERS_REACH_ALL_MS } from "@/lib/auth/caller";
import { ROTATION_REACHES_ALL_MS } from "@/lib/gates/gate-auth";
import { sweepAnsweredReads } from "@/lib/gates/read-log";
import { syncGatePass } from "@/lib/gates/sync-gate-pass";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { startFakeStripe, type FakeStripe } from "./support/fake-stripe";
import { createGate, uniquePlate } from "./support/gates";
import { apps, startApp, type App } from "./support/app-children";
import { TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET } from "./support/use-fake-stripe";
import { useOwnDatabase } from "./support/workflows";

// Spotkeeper runs as several stateless app processes behind a load balancer, on one PostgreSQL and
// one Redis. These tests start real app processes (tests/support/app-process.ts, the route handlers
// behind node:http, with the scheduler and the gate upkeep) as children and spread requests over
// them round-robin. The schedulers sweep the whole database, so the file has a database of its own.
await useOwnDatabase();

afterAll(async () => {
  await Promise.all(apps.map((a) => a.kill()));
});

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let operator: TestUser;
let drivers: TestUser[];
beforeAll(async () => {
  operator = await createUser("operator");
  drivers = await Promise.all(Array.from({ length: 8 }, () => createUser("driver")));
});

describe("two app processes on one PostgreSQL and Redis", () => {
  let pair: App[];
  beforeAll(async () => {
    pair = await Promise.all([startApp({ APP_SCHEDULER_MS: "300" }), startApp({ APP_SCHEDULER_MS: "300" })]);
  }, 60_000);

  it("books no spot twice when drivers race for one lot through both processes", async () => {
    const lot = await createTestLot({ counts: { compact: 20 } });
    const w = { start_time: at(4, 9).toISOString(), end_time: at(4, 12).toISOString() };
    const answers = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        const res = await fetch(`${pair[i % 2]!.url}/v1/reservations`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${drivers[i % drivers.length]!.token}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ lot_id: lot.id, vehicle_type: "compact", ...w }),
        });
        const body = (await res.json()) as { error?: { code: string } };
        return res.status === 201 ? "201" : `${res.status} ${body.error?.code}`;
      }),
    );
    const tally = answers.reduce<Record<string, number>>((t, a) => ({ ...t, [a]: (t[a] ?? 0) + 1 }), {});
    expect(tally).toEqual({ "201": 20, "409 no_spot_available": 100 });
    const db = await getDb();
    const overlapping = await db.execute(sql`
      select 1 from reservations a join reservations b on a.spot_id = b.spot_id and a.id < b.id and a.period && b.period
      where a.lot_id = ${lot.id} and a.status in ('pending_payment', 'confirmed', 'checked_in') and b.status in ('pending_payment', 'confirmed', 'checked_in')`);
    expect(overlapping).toHaveLength(0);
  });

  it("acts on each deadline once: every lapsed hold expires once, every late car is marked no-show once", async () => {
    const lot = await createTestLot({ counts: { compact: 30 } });
    const db = await getDb();
    // Written directly with deadlines already past: both processes' schedulers find them.
    const rows = await db.execute<{ id: string; status: string }>(sql`
      insert into reservations (user_id, lot_id, spot_id, vehicle_type, start_time, end_time, status, hold_expires_at, amount, currency)
      select ${drivers[0]!.id}, ${lot.id}, s.id, 'compact',
        case when n % 2 = 0 then now() + interval '1 day' else now() - interval '3 hours' end,
        case when n % 2 = 0 then now() + interval '1 day 2 hours' else now() + interval '1 hour' end,
        case when n % 2 = 0 then 'pending_payment'::reservation_status else 'confirmed'::reservation_status end,
        case when n % 2 = 0 then now() - interval '1 minute' end, 500, 'EUR'
      from (select id, row_number() over (order by label) as n from spots where lot_id = ${lot.id}) s
      returning id, status`);
    const ids = rows.map((r) => r.id);
    await until("every deadline acted on", async () => {
      const [{ left }] = await db.execute<{ left: number }>(
        sql`select count(*)::int as left from reservations where id in ${sql.raw(`('${ids.join("','")}')`)} and status in ('pending_payment', 'confirmed')`,
      );
      return left === 0;
    });
    const transitions = await db.execute<{ reservation_id: string; to_status: string; n: number }>(sql`
      select reservation_id, to_status, count(*)::int as n from reservation_transitions
      where reservation_id in ${sql.raw(`('${ids.join("','")}')`)} group by reservation_id, to_status`);
    expect(transitions).toHaveLength(30);
    expect(transitions.every((t) => t.n === 1)).toBe(true);
    expect(transitions.filter((t) => t.to_status === "expired")).toHaveLength(15);
    expect(transitions.filter((t) => t.to_status === "no_show")).toHaveLength(15);
  });

  it(`refuses a rotated gate secret in every process within ${ROTATION_REACHES_ALL_MS} ms`, async () => {
    const lot = await createTestLot({ counts: { compact: 2 } });
    const gate = await createGate(operator, lot.id, "entry");
    const read = (app: App, secret: string) =>
      fetch(`${app.url}/v1/gates/check-in`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ lot_id: lot.id, gate_id: gate.gate_id, identifier: uniquePlate() }),
      }).then((r) => r.status);
    // Both processes have verified (and cached) the secret.
    expect(await Promise.all(pair.map((a) => read(a, gate.secret)))).toEqual([200, 200]);

    const rotated = await fetch(`${pair[0]!.url}/v1/lots/${lot.id}/gates/${gate.gate_id}/rotate-secret`, {
      method: "POST",
      headers: { authorization: `Bearer ${operator.token}` },
    });
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    const rotatedAt = Date.now();
    expect(await read(pair[0]!, gate.secret)).toBe(401);
    await until(
      "the other process to refuse the old secret",
      async () => (await read(pair[1]!, gate.secret)) === 401,
      10_000,
    );
    expect(Date.now() - rotatedAt).toBeLessThanOrEqual(ROTATION_REACHES_ALL_MS + 1_000);
    expect(await Promise.all(pair.map((a) => read(a, secret)))).toEqual([200, 200]);
  });

  it(`refuses a revoked API token in every process within ${CALLERS_REACH_ALL_MS} ms, and sees a new operator as one`, async () => {
    const driver = await createUser("driver");
    const call = (app: App, token: string, method = "GET", path = "/v1/me", body?: unknown) =>
      fetch(`${app.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const created = await call(pair[0]!, driver.token, "POST", "/v1/me/tokens", { name: "phone", scopes: ["read"] });
    expect(created.status).toBe(201);
    const second = (await created.json()) as { token_id: string; token: string };
    // Both processes have verified (and cached) both tokens.
    for (const token of [driver.token, second.token])
      expect(await Promise.all(pair.map(async (a) => (await call(a, token)).status))).toEqual([200, 200]);

    expect((await call(pair[0]!, driver.token, "DELETE", `/v1/me/tokens/${second.token_id}`)).status).toBe(200);
    const revokedAt = Date.now();
    expect((await call(pair[0]!, second.token)).status).toBe(401);
    await until(
      "the other process to refuse the revoked token",
      async () => (await call(pair[1]!, second.token)).status === 401,
      10_000,
    );
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(CALLERS_REACH_ALL_MS + 1_000);

    // A driver who founds an organisation is an operator in every process, not after the cache time.
    const lotBody = {
      name: "New operator's lot",
      address: "1 Test St",
      time_zone: "Europe/Paris",
      currency: "EUR",
      spots: { counts: { compact: 1 } },
    };
    expect((await call(pair[1]!, driver.token, "POST", "/v1/lots", lotBody)).status).toBe(403);
    expect((await call(pair[0]!, driver.token, "POST", "/v1/organisations", { name: "Driver's own" })).status).toBe(
      201,
    );
    const promotedAt = Date.now();
    await until(
      "the other process to see an operator",
      async () => (await call(pair[1]!, driver.token, "POST", "/v1/lots", lotBody)).status === 201,
      10_000,
    );
    expect(Date.now() - promotedAt).toBeLessThanOrEqual(CALLERS_REACH_ALL_MS + 1_000);
  });
});

describe("the payments-down state, across processes", () => {
  // One process reaches the payment processor, the other cannot (its STRIPE_API_BASE is a closed
  // port): what one of them learns about the processor is what every gate is told, whichever
  // process answers it.
  let fake: FakeStripe;
  let cutOff: App;
  let connected: App;
  beforeAll(async () => {
    fake = await startFakeStripe();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const stripe = (base: string) => ({
      STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
      STRIPE_API_BASE: base,
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    });
    [cutOff, connected] = await Promise.all([
      startApp(stripe(`http://127.0.0.1:${deadPort}`)),
      startApp(stripe(fake.url)),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([cutOff, connected].map((a) => a?.kill()));
    await fake?.close();
  });

  it("turns every process's gate answers to payments down when one sees the processor fail, and back up when another sees it answer", async () => {
    const lot = await createTestLot({ counts: { compact: 4 } });
    const gate = await createGate(operator, lot.id, "entry");
    const band = (app: App) =>
      fetch(`${app.url}/v1/gates/check-in`, {
        method: "POST",
        headers: { authorization: `Bearer ${gate.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ lot_id: lot.id, gate_id: gate.gate_id, identifier: uniquePlate() }),
      }).then((r) => r.headers.get("x-spotkeeper-payments"));
    expect([await band(cutOff), await band(connected)]).toEqual(["up", "up"]);

    const driver = drivers[7]!;
    const booked = await fetch(`${connected.url}/v1/reservations`, {
      method: "POST",
      headers: { authorization: `Bearer ${driver.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        lot_id: lot.id,
        vehicle_type: "compact",
        start_time: at(9, 9).toISOString(),
        end_time: at(9, 10).toISOString(),
      }),
    });
    expect(booked.status).toBe(201);
    const hold = (await booked.json()) as { reservation_id: string; amount: number };
    const pay = (app: App) =>
      fetch(`${app.url}/v1/payments`, {
        method: "POST",
        headers: { authorization: `Bearer ${driver.token}`, "content-type": "application/json" },
        body: JSON.stringify({
          reservation_id: hold.reservation_id,
          amount: hold.amount,
          payment_method_id: "pm_card_visa",
        }),
      });

    const failed = await pay(cutOff);
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe("payments_unavailable");
    expect(await band(cutOff)).toBe("down");
    await until("the other process to show payments down", async () => (await band(connected)) === "down", 10_000);

    expect((await pay(connected)).status).toBe(201);
    expect(await band(connected)).toBe("up");
    await until("the cut-off process to show payments up again", async () => (await band(cutOff)) === "up", 10_000);
  }, 90_000);
});

describe("a process killed right after answering a gate", () => {
  afterEach(async () => {
    await Promise.all(apps.map((a) => a.kill()));
  });

  it("still ends with the entry recorded and the car checked in, from the answered-reads log", async () => {
    const lot = await createTestLot({ counts: { compact: 2 } });
    const gate = await createGate(operator, lot.id, "entry");
    const db = await getDb();
    const plate = uniquePlate();
    const [r] = await db.execute<{ id: string }>(sql`
      insert into reservations (user_id, lot_id, spot_id, vehicle_type, license_plate, start_time, end_time, status, amount, currency)
      select ${drivers[1]!.id}, ${lot.id}, id, 'compact', ${plate}, now() - interval '5 minutes', now() + interval '2 hours', 'confirmed', 500, 'EUR'
      from spots where lot_id = ${lot.id} order by label limit 1
      returning id`);
    await syncGatePass(db, [r!.id]);

    const doomed = await startApp({ APP_FREEZE_AFTER_GATE_ANSWER: "1" });
    const eventId = randomUUID();
    const res = await fetch(`${doomed.url}/v1/gates/check-in`, {
      method: "POST",
      headers: { authorization: `Bearer ${gate.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ lot_id: lot.id, gate_id: gate.gate_id, identifier: plate, event_id: eventId }),
    });
    expect(await res.json()).toMatchObject({ action: "open_barrier", reservation_id: r!.id, event_id: eventId });
    await doomed.kill();

    const events = () => db.execute(sql`select 1 from gate_events where event_id = ${eventId}`);
    expect(await events()).toHaveLength(0);
    // What every process's upkeep does after a restart (here without waiting for the log entry to age).
    await sweepAnsweredReads(db, { olderThanMs: 0 });
    expect(await events()).toHaveLength(1);
    const [row] = await db.execute<{ status: string }>(sql`select status from reservations where id = ${r!.id}`);
    expect(row!.status).toBe("checked_in");
  });
});
