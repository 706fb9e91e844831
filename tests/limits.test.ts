import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as checkInRoute } from "@/app/v1/gates/check-in/route";
import { GET as commandsRoute } from "@/app/v1/gates/commands/route";
import { GET as meRoute } from "@/app/v1/me/route";
import { POST as paymentsRoute } from "@/app/v1/payments/route";
import { POST as reservationsRoute } from "@/app/v1/reservations/route";
import { GET as lotsRoute } from "@/app/v1/lots/route";
import { getDb } from "@/db/client";
import { createGate } from "@/lib/gates/manage-gates";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { signUp } from "@/lib/auth/accounts";
import { clientIp } from "@/lib/ratelimit/client-ip";
import { apiRequest, at, createTestLot, createUser, expectError, routeContext } from "./fixtures";
import { useFakeStripe } from "./support/use-fake-stripe";

// Sliding-window limits per token, per address, on sign-in and payments, per gate; the hold cap.
useFakeStripe();

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env))
    if (k.startsWith("RATE_LIMIT") || k.startsWith("HOLD_LIMIT") || k === "TRUSTED_PROXIES") delete process.env[k];
  Object.assign(
    process.env,
    Object.fromEntries(Object.entries(saved).filter(([k]) => k.startsWith("RATE_LIMIT") || k.startsWith("HOLD_LIMIT"))),
  );
  vi.useRealTimers();
});

/** A moment in the middle of a window, so the test never straddles a window boundary by accident. */
function freezeAt(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(ms);
}
const base = Math.ceil(Date.now() / 600_000) * 600_000 + 600_000;

describe("per-token limit", () => {
  it("answers 429 with Retry-After and the RateLimit headers under a burst, and recovers after the window", async () => {
    process.env.RATE_LIMIT_TOKEN = "3/60";
    const user = await createUser("driver");
    freezeAt(base + 1_000);
    const me = () => meRoute(apiRequest("GET", "/v1/me", { token: user.token }), routeContext());
    const ok = await me();
    expect(ok.status).toBe(200);
    expect(ok.headers.get("RateLimit-Policy")).toBe('"token";q=3;w=60');
    expect(ok.headers.get("RateLimit")).toMatch(/^"token";r=2;t=\d+$/);
    await me();
    await me();
    const refused = await me();
    await expectError(refused, 429, "rate_limited");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(refused.headers.get("RateLimit")).toBe(`"token";r=0;t=${retryAfter}`);

    // Another token of another user is not affected.
    const other = await createUser("driver");
    expect((await meRoute(apiRequest("GET", "/v1/me", { token: other.token }), routeContext())).status).toBe(200);

    vi.setSystemTime(base + 1_000 + retryAfter * 1000);
    expect((await me()).status).toBe(200);
  });
});

describe("per-address limit", () => {
  it("limits public calls per client address, and an address named in X-Forwarded-For counts only behind a trusted proxy", async () => {
    process.env.RATE_LIMIT_IP = "2/60";
    freezeAt(base + 2_000);
    const peer = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const call = (headers: Record<string, string>) =>
      lotsRoute(apiRequest("GET", "/v1/lots", { headers }), routeContext());
    expect((await call({ "x-spotkeeper-peer": peer })).status).toBe(200);
    // A client naming another address does not get a fresh allowance: the peer is not a trusted proxy.
    expect((await call({ "x-spotkeeper-peer": peer, "x-forwarded-for": "203.0.113.9" })).status).toBe(200);
    await expectError(
      await call({ "x-spotkeeper-peer": peer, "x-forwarded-for": "203.0.113.10" }),
      429,
      "rate_limited",
    );
  });

  it("reads the client from X-Forwarded-For right to left, skipping trusted proxies only", () => {
    const req = (peer: string, xff?: string) =>
      new Request("http://x/", { headers: { "x-spotkeeper-peer": peer, ...(xff ? { "x-forwarded-for": xff } : {}) } });
    expect(clientIp(req("198.51.100.7", "1.2.3.4"))).toBe("198.51.100.7");
    process.env.TRUSTED_PROXIES = "10.0.0.0/8, 192.0.2.1";
    expect(clientIp(req("10.1.2.3", "6.6.6.6, 1.2.3.4, 10.0.0.2"))).toBe("1.2.3.4");
    expect(clientIp(req("::ffff:192.0.2.1", "5.6.7.8"))).toBe("5.6.7.8");
    expect(clientIp(req("198.51.100.7", "1.2.3.4"))).toBe("198.51.100.7");
    expect(clientIp(new Request("http://x/"))).toBeNull();
  });
});

describe("sign-in", () => {
  it("is limited per account, counting failures only, for known and unknown e-mails alike", async () => {
    process.env.RATE_LIMIT_SIGN_IN_ACCOUNT = "3/300";
    const db = await getDb();
    const email = `signin-${Date.now()}@test.spotkeeper.dev`;
    await signUp(db, { name: "Sam", email, password: "correct horse battery" });
    const ip = "198.51.100.50";
    // Successes do not count.
    for (let i = 0; i < 4; i++)
      expect((await signInWithPassword(db, email, "correct horse battery", ip)).ok).toBe(true);
    for (let i = 0; i < 3; i++)
      expect(await signInWithPassword(db, email, "wrong password!", ip)).toEqual({ ok: false });
    const locked = await signInWithPassword(db, email, "correct horse battery", ip);
    expect(locked.ok).toBe(false);
    expect((locked as { retryAfter?: number }).retryAfter).toBeGreaterThan(0);

    const unknown = `nobody-${Date.now()}@test.spotkeeper.dev`;
    for (let i = 0; i < 3; i++)
      expect(await signInWithPassword(db, unknown, "whatever", "198.51.100.51")).toEqual({ ok: false });
    expect(
      (await signInWithPassword(db, unknown, "whatever", "198.51.100.51")) as { retryAfter?: number },
    ).toHaveProperty("retryAfter");
  });

  it("is limited per address across accounts", async () => {
    process.env.RATE_LIMIT_SIGN_IN_IP = "2/300";
    const db = await getDb();
    const ip = `198.51.100.${60 + Math.floor(Math.random() * 100)}`;
    await signInWithPassword(db, `a-${Date.now()}@x.dev`, "x", ip);
    await signInWithPassword(db, `b-${Date.now()}@x.dev`, "x", ip);
    expect(await signInWithPassword(db, `c-${Date.now()}@x.dev`, "x", ip)).toHaveProperty("retryAfter");
  });
});

describe("payment attempts", () => {
  it("are limited per driver, which stops card testing", async () => {
    process.env.RATE_LIMIT_PAYMENT = "2/600";
    const driver = await createUser("driver");
    const pay = () =>
      paymentsRoute(
        apiRequest("POST", "/v1/payments", {
          token: driver.token,
          body: { reservation_id: crypto.randomUUID(), amount: 100, payment_method_id: "pm_card_visa" },
        }),
        routeContext(),
      );
    await expectError(await pay(), 404, "not_found");
    await expectError(await pay(), 404, "not_found");
    const refused = await pay();
    await expectError(refused, 429, "rate_limited");
    expect(refused.headers.get("RateLimit-Policy")).toBe('"payment";q=2;w=600');
  });
});

describe("hold cap", () => {
  let lotA: string, lotB: string;
  beforeAll(async () => {
    lotA = (await createTestLot({ counts: { compact: 6 } })).id;
    lotB = (await createTestLot({ counts: { compact: 6 } })).id;
  });
  const book = (token: string, lotId: string, day: number) =>
    reservationsRoute(
      apiRequest("POST", "/v1/reservations", {
        token,
        body: {
          lot_id: lotId,
          vehicle_type: "compact",
          start_time: at(day, 9).toISOString(),
          end_time: at(day, 10).toISOString(),
        },
      }),
      routeContext(),
    );

  it("refuses a third unpaid hold in one lot and a fourth overall with 409 hold_limit_reached", async () => {
    process.env.HOLD_LIMIT_PER_LOT = "2";
    process.env.HOLD_LIMIT_TOTAL = "3";
    const driver = await createUser("driver");
    expect((await book(driver.token, lotA, 2)).status).toBe(201);
    expect((await book(driver.token, lotA, 3)).status).toBe(201);
    const perLot = await expectError(await book(driver.token, lotA, 4), 409, "hold_limit_reached");
    expect(perLot.details).toMatchObject({ pending_in_lot: 2, limit_per_lot: 2 });
    expect((await book(driver.token, lotB, 2)).status).toBe(201);
    const overall = await expectError(await book(driver.token, lotB, 3), 409, "hold_limit_reached");
    expect(overall.details).toMatchObject({ pending_total: 3, limit_total: 3 });
    // Another driver is not affected.
    const other = await createUser("driver");
    expect((await book(other.token, lotA, 5)).status).toBe(201);
  });
});

describe("gates", () => {
  it("are limited per gate, never by a user's or an address's limit", async () => {
    process.env.RATE_LIMIT_GATE = "2/60";
    process.env.RATE_LIMIT_IP = "1/60";
    freezeAt(base + 3_000);
    const lot = await createTestLot();
    const db = await getDb();
    const [g1, g2] = [
      await createGate(db, lot.id, { name: "A", direction: "entry" }),
      await createGate(db, lot.id, { name: "B", direction: "entry" }),
    ];
    const poll = (secret: string) =>
      commandsRoute(
        apiRequest("GET", "/v1/gates/commands", { token: secret, headers: { "x-spotkeeper-peer": "198.51.100.200" } }),
        routeContext(),
      );
    expect((await poll(g1.secret)).status).toBe(200);
    expect((await poll(g1.secret)).status).toBe(200);
    const refused = await poll(g1.secret);
    await expectError(refused, 429, "rate_limited");
    expect(refused.headers.get("RateLimit-Policy")).toBe('"gate";q=2;w=60');
    expect((await poll(g2.secret)).status).toBe(200);
  });

  it("count a read at the barrier in the read's own step, with the same 429 and headers, whatever the read", async () => {
    process.env.RATE_LIMIT_GATE = "3/60";
    freezeAt(base + 4_000);
    const lot = await createTestLot();
    const db = await getDb();
    const [g1, g2] = [
      await createGate(db, lot.id, { name: "A", direction: "entry" }),
      await createGate(db, lot.id, { name: "B", direction: "entry" }),
    ];
    const read = (g: { gate_id: string; secret: string }, body: Record<string, unknown>) =>
      checkInRoute(
        apiRequest("POST", "/v1/gates/check-in", {
          token: g.secret,
          body: { lot_id: lot.id, gate_id: g.gate_id, ...body },
        }),
        routeContext(),
      );
    // A plate nobody booked, the same plate again (a duplicate), and a body that does not validate: each counts.
    const first = await read(g1, { identifier: "NOBODY1" });
    expect(first.status).toBe(200);
    expect(first.headers.get("RateLimit-Policy")).toBe('"gate";q=3;w=60');
    expect(first.headers.get("RateLimit")).toMatch(/^"gate";r=2;t=\d+$/);
    expect((await read(g1, { identifier: "NOBODY1" })).status).toBe(200);
    await expectError(await read(g1, { identifier: 42 }), 422, "validation_failed");
    const refused = await read(g1, { identifier: "NOBODY2" });
    await expectError(refused, 429, "rate_limited");
    expect(refused.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(refused.headers.get("RateLimit")).toMatch(/^"gate";r=0;t=\d+$/);
    // An offline replay counts as well; another gate has its own limit.
    await expectError(
      await read(g1, {
        identifier: "NOBODY3",
        event_id: crypto.randomUUID(),
        occurred_at: new Date(base).toISOString(),
        offline_decision: "deny",
      }),
      429,
      "rate_limited",
    );
    expect((await read(g2, { identifier: "NOBODY1" })).status).toBe(200);
  });
});
