import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { redisGateKv } from "@/lib/gates/kv";
import { rebuildKnownPlates } from "@/lib/gates/pass-reconcile";
import { sweepAnsweredReads } from "@/lib/gates/read-log";
import { gateKeys, overrideGateKv } from "@/lib/gates/store";
import { getRedis } from "@/lib/redis";
import { ioredisClient, type RedisLike } from "@/lib/redis/client";
import { createUser, expectError } from "./fixtures";
import { checkIn, checkInOk, createGate, gatedLot, gatesSettled, uniquePlate, type GateJson } from "./support/gates";
import { useOwnDatabase } from "./support/workflows";
import { closedPort } from "./support/http-server";

// Every answered gate read ends up as exactly one gate_events row, whatever went wrong between the
// answer and the record: Redis too slow (answered from memory), PostgreSQL refusing the record for a
// while, one bad read among many. The database is this file's own: one test makes PostgreSQL refuse
// a gate's events for a while (a trigger), which must not touch other files' gates.
await useOwnDatabase();

let entry: GateJson;
beforeAll(async () => {
  ({ entry } = await gatedLot(await createUser("operator")));
});
afterEach(() => overrideGateKv(undefined));

async function rowsFor(eventIds: string[]) {
  const db = await getDb();
  const rows = await db.execute<{ event_id: string; action: string; reason: string | null }>(
    sql`select event_id::text, action, reason from gate_events where event_id in ${eventIds}`,
  );
  return [...rows];
}

/** PostgreSQL refuses this gate's events until the returned function is called. */
async function refuseEventsOf(gateId: string) {
  const db = await getDb();
  const name = `refuse_${gateId.replace(/-/g, "_")}`;
  await db.execute(
    sql.raw(`create or replace function refuse_gate_event() returns trigger language plpgsql as
      $$ begin raise exception 'gate events refused for this test'; end $$`),
  );
  await db.execute(
    sql.raw(`create trigger ${name} before insert on gate_events for each row
      when (new.gate_id = '${gateId}') execute function refuse_gate_event()`),
  );
  return () => db.execute(sql.raw(`drop trigger if exists ${name} on gate_events`));
}

describe("every answered gate read is recorded once", () => {
  it("records a read answered from memory while Redis was down, even when PostgreSQL refused it for longer than the retries", async () => {
    const db = await getDb();
    const down = ioredisClient(`redis://127.0.0.1:${await closedPort()}`);
    overrideGateKv(redisGateKv(down));
    const accept = await refuseEventsOf(entry.gate_id);
    try {
      const answer = await checkInOk(entry, { identifier: uniquePlate(), event_id: randomUUID() });
      expect(answer).toMatchObject({ action: "deny", reason: "no_reservation" });
      // Every retry after the answer failed.
      await gatesSettled();
      expect(await rowsFor([answer.event_id])).toEqual([]);

      await accept();
      // PostgreSQL takes events again: the next sweep (every process runs one every few seconds) records it.
      await sweepAnsweredReads(db);
      await gatesSettled();
      expect(await rowsFor([answer.event_id])).toMatchObject([{ event_id: answer.event_id, action: "deny" }]);
    } finally {
      await accept();
      await down.quit();
    }
  });

  it("records a read whose identifier PostgreSQL cannot store as text (a NUL byte), and the reads beside it", async () => {
    const db = await getDb();
    const odd = await checkInOk(entry, { identifier: "AB\u0000CD", event_id: randomUUID() });
    const plain = await checkInOk(entry, { identifier: uniquePlate(), event_id: randomUUID() });
    expect(odd).toMatchObject({ reason: "unreadable" });
    await gatesSettled();
    await sweepAnsweredReads(db, { olderThanMs: 0 });
    expect((await rowsFor([odd.event_id, plain.event_id])).map((r) => r.event_id).sort()).toEqual(
      [odd.event_id, plain.event_id].sort(),
    );
  });

  it("records the reads of a batch beside one that PostgreSQL keeps refusing, and that one once it takes it", async () => {
    const db = await getDb();
    const other = await createGate(await createUser("operator"), entry.lot_id, "entry");
    const acceptOther = await refuseEventsOf(other.gate_id);
    const acceptEntry = await refuseEventsOf(entry.gate_id);
    try {
      const bad = await checkInOk(other, { identifier: uniquePlate(), event_id: randomUUID() });
      const good = await checkInOk(entry, { identifier: uniquePlate(), event_id: randomUUID() });
      // Both refused on every try after the answer: both wait in the log, pending.
      await gatesSettled();
      await acceptEntry();
      // Taken over (stale here at once) in one batch: the read PostgreSQL takes is recorded …
      await sweepAnsweredReads(db, { olderThanMs: 0 });
      expect((await rowsFor([bad.event_id, good.event_id])).map((r) => r.event_id)).toEqual([good.event_id]);
      // … and the other once it takes it too.
      await acceptOther();
      await sweepAnsweredReads(db, { olderThanMs: 0 });
      expect(await rowsFor([bad.event_id])).toHaveLength(1);
    } finally {
      await acceptEntry();
      await acceptOther();
    }
  });

  it("records the reads logged after an entry that is not a read record", async () => {
    const db = await getDb();
    const redis = getRedis()!;
    // Not a record (a pass key holding something that is not JSON makes one): its read was answered
    // 500 (the handler parses the same text), so there is no answer to record.
    await redis.eval(
      `return redis.call('XADD', KEYS[1], '*', 'r', ARGV[1])`,
      [gateKeys.log()],
      ['{"read":{},"found":'],
    );
    const answer = await checkInOk(entry, { identifier: uniquePlate(), event_id: randomUUID() });
    await gatesSettled();
    await sweepAnsweredReads(db, { olderThanMs: 0 });
    expect(await rowsFor([answer.event_id])).toHaveLength(1);
  });

  it("records a read refused by its gate's limit while Redis was down, once a retry of it is answered", async () => {
    const gate = await createGate(await createUser("operator"), entry.lot_id, "entry");
    const down = ioredisClient(`redis://127.0.0.1:${await closedPort()}`);
    overrideGateKv(redisGateKv(down));
    const saved = process.env.RATE_LIMIT_GATE;
    try {
      process.env.RATE_LIMIT_GATE = "1/60";
      await checkInOk(gate, { identifier: uniquePlate(), event_id: randomUUID() });
      // A doubtful plate read is claimed without a lookup (nothing to look up: it asks for the QR pass).
      const read = { identifier: uniquePlate(), confidence: 0.1, event_id: randomUUID() };
      await expectError(await checkIn(gate, read), 429, "rate_limited");
      // The limit allows more again (here: raised); the bridge sends the read again.
      process.env.RATE_LIMIT_GATE = "100/60";
      const answer = await checkInOk(gate, read);
      expect(answer.event_id).toBe(read.event_id);
      await gatesSettled();
      await sweepAnsweredReads(await getDb(), { olderThanMs: 0 });
      expect(await rowsFor([read.event_id])).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.RATE_LIMIT_GATE;
      else process.env.RATE_LIMIT_GATE = saved;
      await down.quit();
    }
  });

  it("records a read once when Redis ran its script but answered after the 100 ms timeout (answered from memory too)", async () => {
    const db = await getDb();
    const real = getRedis()!;
    // Plates nobody booked are refused from Redis alone (no PostgreSQL query) once the set of known plates is built.
    await rebuildKnownPlates(db);
    let late = 0;
    const slow: RedisLike = {
      ...real,
      // The read script runs on the real Redis; its answer arrives after the store's timeout.
      eval: async (script, keys, args) => {
        const out = await real.eval(script, keys, args);
        if (script.includes("XADD")) {
          late++;
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
        return out;
      },
    };
    overrideGateKv(redisGateKv(slow, { timeoutMs: 100 }));
    const eventId = randomUUID();
    const answer = await checkInOk(entry, { identifier: uniquePlate(), event_id: eventId });
    overrideGateKv(undefined);
    expect(late).toBe(1);
    expect(answer).toMatchObject({ action: "deny", reason: "no_reservation", event_id: eventId });
    // Redis did claim and log it (the store's answer was only late) …
    expect(await real.get(gateKeys.event(eventId))).not.toBeNull();
    // … and the process, which answered from memory and PostgreSQL, recorded it too: one row.
    await gatesSettled();
    await sweepAnsweredReads(db, { olderThanMs: 0 });
    expect(await rowsFor([eventId])).toEqual([{ event_id: eventId, action: "deny", reason: "no_reservation" }]);
  });
});

afterAll(async () => {
  await gatesSettled();
});
