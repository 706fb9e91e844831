import IORedis from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as meRoute } from "@/app/v1/me/route";
import { REDIS_RETRY_MS } from "@/lib/ratelimit";
import { apiRequest, createUser, expectError, routeContext, type TestUser } from "./fixtures";
import { ownRedis } from "./support/own-redis";

// The rate limiter's Redis stops in the middle of a run and comes back: the limits stay on (this
// process counts in its own memory meanwhile) and are shared through Redis again once it answers.
// A redis-server of this test's own, on the orgs port range, is the one stopped — never the shared one.
const PORT = 3761;
const savedUrl = process.env.REDIS_URL;
process.env.REDIS_URL = `redis://127.0.0.1:${PORT}`; // before anything reads the environment

let probe: IORedis;

const { start: startRedis, stop: stopRedis } = ownRedis(PORT);

/** The per-token limiter's keys in Redis (read through the test's own connection, not the app's). */
const tokenKeys = async () => probe.keys("*rl:{token:*");

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
beforeAll(async () => {
  await startRedis();
  probe = new IORedis(PORT, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  probe.on("error", () => {});
  [alice, bob, carol] = await Promise.all([createUser("driver"), createUser("driver"), createUser("driver")]);
  process.env.RATE_LIMIT_TOKEN = "3/60";
});

afterEach(() => vi.useRealTimers());

afterAll(async () => {
  probe?.disconnect();
  await stopRedis();
  delete process.env.RATE_LIMIT_TOKEN;
  if (savedUrl === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = savedUrl;
});

const me = (u: TestUser) => meRoute(apiRequest("GET", "/v1/me", { token: u.token }), routeContext());

/** Three allowed, the fourth refused with the 429 a client can act on. */
async function expectLimited(u: TestUser) {
  for (let i = 0; i < 3; i++) expect((await me(u)).status).toBe(200);
  const refused = await me(u);
  await expectError(refused, 429, "rate_limited");
  expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
  expect(refused.headers.get("RateLimit-Policy")).toBe('"token";q=3;w=60');
}

describe("rate limits when Redis stops mid-run", () => {
  it("counts in Redis, keeps limiting in memory while Redis is gone, and shares the count again once it is back", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // Date only (the Redis client's own timers stay real): the test moves the clock past the retry delay.
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Math.ceil(Date.now() / 60_000) * 60_000 + 1_000; // early in a window: no boundary is crossed
    vi.setSystemTime(start);

    await expectLimited(alice);
    await probe.connect();
    expect(await tokenKeys()).not.toHaveLength(0);

    await stopRedis();
    await expectLimited(bob); // no Redis: still three, then 429
    expect(warn.mock.calls.some(([m]) => String(m).includes("Redis unavailable"))).toBe(true);

    await startRedis();
    // Within the retry delay the process keeps its own count and does not wait on Redis.
    await expectError(await me(bob), 429, "rate_limited");
    vi.setSystemTime(start + REDIS_RETRY_MS + 1_000);
    await expectLimited(carol);
    // Carol's requests were counted in Redis again (the restarted server started empty, and Bob's
    // were counted in memory): another process would see them.
    for (let i = 0; i < 100 && probe.status !== "ready"; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await tokenKeys()).not.toHaveLength(0);
    expect(warn.mock.calls.some(([m]) => String(m).includes("Redis is back"))).toBe(true);
    warn.mockRestore();
  });
});
