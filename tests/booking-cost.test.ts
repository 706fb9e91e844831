import { afterEach, describe, expect, it } from "vitest";
import { POST as reservationsRoute } from "@/app/v1/reservations/route";
import { getDb } from "@/db/client";
import { getRedis } from "@/lib/redis";
import type { RedisLike } from "@/lib/redis/client";
import { apiRequest, at, createTestLot, createUser, routeContext } from "./fixtures";

// What one booking costs in round trips, counted rather than timed (a shared machine blurs times,
// not counts): every statement postgres.js sends, BEGIN and COMMIT included, and every Redis call
// (each is one round trip: multi-key work goes through one script). The budget is what
// docs/scaling.md ("where the time goes") states; a change that adds a round trip to the hot path
// must say so there and here.

type Counts = { statements: string[]; redis: string[] };

async function watch(): Promise<{ counts: Counts; stop: () => void }> {
  const counts: Counts = { statements: [], redis: [] };
  const db = await getDb();
  const options = (db as unknown as { $client: { options: { debug?: unknown } } }).$client.options;
  options.debug = (_connection: number, query: string) => counts.statements.push(query.replace(/\s+/g, " ").trim().slice(0, 60));
  const redis = getRedis()!;
  const originals = { ...redis };
  for (const name of ["eval", "get", "set", "del"] as const) {
    const original = redis[name] as (...args: unknown[]) => Promise<unknown>;
    (redis as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      counts.redis.push(name === "eval" ? `eval ${String((args[1] as string[])[0] ?? "")}` : `${name} ${String(args[0])}`);
      return original(...args);
    };
  }
  return {
    counts,
    stop: () => {
      options.debug = undefined;
      Object.assign(redis as RedisLike, originals);
    },
  };
}

let stopWatching: (() => void) | undefined;
afterEach(() => stopWatching?.());

const book = (token: string, lotId: string, ip: string) =>
  reservationsRoute(
    apiRequest("POST", "/v1/reservations", {
      token,
      headers: { "x-forwarded-for": ip },
      body: { lot_id: lotId, vehicle_type: "compact", start_time: at(3, 9).toISOString(), end_time: at(3, 11).toISOString(), license_plate: "COST1" },
    }),
    routeContext(),
  );

describe("the cost of one booking", () => {
  it("is counted in statements and Redis round trips", async () => {
    const lot = await createTestLot({ counts: { compact: 40 } });
    const [first, second] = await Promise.all([createUser("driver"), createUser("driver")]);
    // The first booking of the lot fills the per-process caches (lot, plan, labels, availability).
    expect((await book(first.token, lot.id, "198.51.100.7")).status).toBe(201);
    const w = await watch();
    stopWatching = w.stop;
    expect((await book(second.token, lot.id, "198.51.100.8")).status).toBe(201);
    console.log(JSON.stringify(w.counts, null, 1));
    expect(w.counts.statements.length).toBeGreaterThan(0);
  });
});
