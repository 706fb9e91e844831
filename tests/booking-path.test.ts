import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { PUT as cancelRoute } from "@/app/v1/reservations/[id]/cancel/route";
import { POST as reservationsRoute } from "@/app/v1/reservations/route";
import { getDb } from "@/db/client";
import { availabilityStore } from "@/lib/availability";
import type { AvailabilityStore } from "@/lib/availability/store";
import { UpdateLotInput } from "@/lib/api/schemas";
import { updateLot } from "@/lib/lots/manage-lots";
import { getRedis } from "@/lib/redis";
import { apiRequest, at, createTestLot, createUser, routeContext } from "./fixtures";

// The booking path end to end through the route handler: what one booking costs in round trips,
// that a cached lot row never prices a booking after the lot changed, and that Redis is told of a
// release only after the releasing transaction committed.

const book = (token: string, lotId: string, day: number, ip = "198.51.100.7") =>
  reservationsRoute(
    apiRequest("POST", "/v1/reservations", {
      token,
      headers: { "x-spotkeeper-peer": "127.0.0.1", "x-forwarded-for": ip },
      body: {
        lot_id: lotId,
        vehicle_type: "compact",
        start_time: at(day, 9).toISOString(),
        end_time: at(day, 11).toISOString(),
        license_plate: "COST1",
      },
    }),
    routeContext(),
  );

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

/** Records every statement postgres.js sends (BEGIN and COMMIT included) and every Redis call. */
async function watchRoundTrips() {
  const counts = { statements: [] as string[], redis: [] as string[] };
  const db = await getDb();
  const options = (db as unknown as { $client: { options: { debug?: unknown } } }).$client.options;
  options.debug = (_connection: number, query: string) =>
    counts.statements.push(query.replace(/\s+/g, " ").trim().slice(0, 50));
  const redis = getRedis() as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const originals = { ...redis };
  for (const name of ["eval", "get", "set", "del"]) {
    redis[name] = (...args: unknown[]) => {
      counts.redis.push(`${name} ${String(name === "eval" ? (args[1] as string[])[0] : args[0])}`);
      return originals[name]!(...args);
    };
  }
  restore = () => {
    options.debug = undefined;
    Object.assign(redis, originals);
  };
  return counts;
}

describe("one booking", () => {
  it("costs one short transaction, the caller's token lookup and three Redis round trips", async () => {
    const saved = process.env.TRUSTED_PROXIES;
    process.env.TRUSTED_PROXIES = "127.0.0.1";
    try {
      const lot = await createTestLot({ counts: { compact: 40 } });
      const [first, second] = await Promise.all([createUser("driver"), createUser("driver")]);
      // The first booking of the lot fills the per-process caches (lot row, spot labels, availability).
      expect((await book(first.token, lot.id, 3)).status).toBe(201);
      const counts = await watchRoundTrips();
      expect((await book(second.token, lot.id, 3, "198.51.100.8")).status).toBe(201);

      // The token lookup (and, once a minute per token, its last-used time); then BEGIN, the
      // driver's hold-cap lock, the one booking statement, COMMIT. No lot read, no read-back, no
      // occupancy count (the lot's plan has no occupancy steps), no read for the workflow event.
      const withoutTouch = counts.statements.filter((s) => !s.startsWith('update "api_tokens"'));
      expect(withoutTouch).toHaveLength(5);
      expect(withoutTouch.slice(1)).toEqual([
        "begin",
        "select pg_advisory_xact_lock($1, hashtext($2))",
        expect.stringMatching(/^with holds as/),
        "commit",
      ]);
      // Redis: the address and token limits (sent together), the "certainly full" check, then the
      // availability cache and the known plates (sent together): five calls, three waits.
      expect(
        counts.redis.map((c) => c.replace(/^(\w+) .*?(rl:\{\w+|av:\{.*\}:\w+|gate:known-plates).*$/, "$1 $2")),
      ).toEqual([
        "eval rl:{ip",
        "eval rl:{token",
        "eval av:{" + lot.id + ":compact}:cap",
        "eval av:{" + lot.id + ":compact}:rel",
        "eval gate:known-plates",
      ]);
    } finally {
      if (saved === undefined) delete process.env.TRUSTED_PROXIES;
      else process.env.TRUSTED_PROXIES = saved;
    }
  });

  it("is priced from the lot as it is when booked, even when this process cached it before an edit", async () => {
    const lot = await createTestLot({
      counts: { compact: 5 },
      hourly_rates: { compact: 400, large: 600, ev: 500, handicapped: 300 },
    });
    const driver = await createUser("driver");
    const before = await book(driver.token, lot.id, 3);
    expect(((await before.json()) as { amount: number }).amount).toBe(800);
    // The edit goes straight to the database, as another process would make it: this process's
    // cached row is now stale, and only the booking statement's version check can notice.
    await updateLot(
      await getDb(),
      lot.id,
      UpdateLotInput.parse({ hourly_rates: { compact: 1000, large: 600, ev: 500, handicapped: 300 } }),
    );
    const after = await book(driver.token, lot.id, 4);
    expect(after.status).toBe(201);
    expect(((await after.json()) as { amount: number }).amount).toBe(2000);
  });
});

describe("releasing a spot", () => {
  it("tells the availability cache only after the releasing transaction committed (a stalled Redis holds no row lock)", async () => {
    const lot = await createTestLot({ counts: { compact: 2 } });
    const driver = await createUser("driver");
    const booked = (await (await book(driver.token, lot.id, 3)).json()) as { reservation_id: string };

    const db = await getDb();
    const real = availabilityStore();
    let unstall!: () => void;
    const stalled = new Promise<void>((resolve) => (unstall = resolve));
    let reached!: () => void;
    const releasedCalled = new Promise<void>((resolve) => (reached = resolve));
    const g = globalThis as unknown as { __spotkeeperAvailability?: AvailabilityStore };
    g.__spotkeeperAvailability = {
      ...real,
      async released(lotId, type, b) {
        reached();
        await stalled; // Redis is hanging
        return real.released(lotId, type, b);
      },
    };
    restore = () => {
      g.__spotkeeperAvailability = real;
    };

    const cancelling = cancelRoute(
      apiRequest("PUT", `/v1/reservations/${booked.reservation_id}/cancel`, { token: driver.token }),
      routeContext({ id: booked.reservation_id }),
    );
    await releasedCalled;
    // While Redis hangs, the cancellation is committed and its row is free to lock.
    const seen = await db.transaction(async (tx) => {
      const [row] = await tx.execute<{ status: string }>(
        sql`select status from reservations where id = ${booked.reservation_id} for update nowait`,
      );
      return { status: row!.status, lockable: true };
    });
    unstall();
    expect((await cancelling).status).toBe(200);
    expect(seen).toEqual({ status: "cancelled", lockable: true });
  });
});
