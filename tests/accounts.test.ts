import { describe, expect, it } from "vitest";
import { GET as commandsRoute } from "@/app/v1/gates/commands/route";
import { GET as meRoute } from "@/app/v1/me/route";
import { DELETE as revokeRoute } from "@/app/v1/me/tokens/[tokenId]/route";
import { GET as tokensRoute, POST as createTokenRoute } from "@/app/v1/me/tokens/route";
import { POST as reservationsRoute } from "@/app/v1/reservations/route";
import { PATCH as updateLotRoute } from "@/app/v1/lots/[id]/route";
import { closeDb, getDb, openedDb } from "@/db/client";
import { flushTokenTouches } from "@/lib/auth/caller";
import { findSessionUser } from "@/db/queries/tokens";
import { createApiToken, findUserByEmail } from "@/db/queries/users";
import { eq } from "drizzle-orm";
import { and } from "drizzle-orm";
import { setGateSecret } from "@/db/queries/gates";
import { DEMO_ORGANISATION_ID } from "@/db/queries/organisations";
import { DEMO_LOTS, seedDemo } from "@/db/seed";
import { apiTokens, gateDevices, lots, users } from "@/db/schema";
import { changePassword, signOutEverywhere, signUp } from "@/lib/auth/accounts";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { hashPassword, hashToken } from "@/lib/auth/secrets";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { apiRequest, at, createTestLot, createUser, expectError, routeContext } from "./fixtures";

describe("personal API tokens", () => {
  it("are shown once, listed by name and scopes with their last use, and refused at once when revoked", async () => {
    const user = await createUser("driver");
    const res = await createTokenRoute(
      apiRequest("POST", "/v1/me/tokens", { token: user.token, body: { name: "Home Assistant", scopes: ["read"] } }),
      routeContext(),
    );
    expect(res.status).toBe(201);
    const created = (await res.json()) as { token_id: string; token: string; scopes: string[] };
    expect(created.token).toMatch(/^sk_[\w-]{20,}$/);
    expect(created.scopes).toEqual(["read"]);

    expect((await meRoute(apiRequest("GET", "/v1/me", { token: created.token }), routeContext())).status).toBe(200);
    await expect
      .poll(async () => {
        const list = (await (
          await tokensRoute(apiRequest("GET", "/v1/me/tokens", { token: user.token }), routeContext())
        ).json()) as { data: Record<string, unknown>[] };
        return list.data.find((t) => t.token_id === created.token_id)?.last_used_at;
      })
      .toMatch(/^\d{4}-/);
    const list = await (
      await tokensRoute(apiRequest("GET", "/v1/me/tokens", { token: user.token }), routeContext())
    ).text();
    expect(list).toContain("Home Assistant");
    expect(list).not.toContain(created.token);

    const revoked = await revokeRoute(
      apiRequest("DELETE", `/v1/me/tokens/${created.token_id}`, { token: user.token }),
      routeContext({ tokenId: created.token_id }),
    );
    expect(((await revoked.json()) as { revoked_at: string | null }).revoked_at).not.toBeNull();
    await expectError(
      await meRoute(apiRequest("GET", "/v1/me", { token: created.token }), routeContext()),
      401,
      "unauthorized",
    );
  });

  it("write their last use within seconds, gathered from many requests, when nobody lists them", async () => {
    const user = await createUser("driver");
    const db = await getDb();
    const lastUsed = async () =>
      (await db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.userId, user.id)))[0]!.at;
    for (let i = 0; i < 3; i++)
      expect((await meRoute(apiRequest("GET", "/v1/me", { token: user.token }), routeContext())).status).toBe(200);
    // Nobody lists the tokens here: the gathered use is written by the timer (every 2 s).
    await expect.poll(lastUsed, { timeout: 5_000 }).toBeInstanceOf(Date);
  });

  it("do only what their scopes allow, and cannot mint wider ones", async () => {
    const user = await createUser("operator");
    const lot = await createTestLot({ counts: { compact: 2 } });
    const mint = async (scopes: string[], token = user.token) =>
      createTokenRoute(
        apiRequest("POST", "/v1/me/tokens", { token, body: { name: scopes.join("+"), scopes } }),
        routeContext(),
      );
    const readOnly = ((await (await mint(["read"])).json()) as { token: string }).token;
    const booking = {
      lot_id: lot.id,
      vehicle_type: "compact",
      start_time: at(2, 9).toISOString(),
      end_time: at(2, 10).toISOString(),
    };
    await expectError(
      await reservationsRoute(
        apiRequest("POST", "/v1/reservations", { token: readOnly, body: booking }),
        routeContext(),
      ),
      403,
      "forbidden",
    );
    await expectError(await mint(["read", "operate"], readOnly), 403, "forbidden");
    const book = ((await (await mint(["read", "book"])).json()) as { token: string }).token;
    expect(
      (await reservationsRoute(apiRequest("POST", "/v1/reservations", { token: book, body: booking }), routeContext()))
        .status,
    ).toBe(201);
    await expectError(
      await updateLotRoute(
        apiRequest("PATCH", `/v1/lots/${lot.id}`, { token: book, body: { grace_minutes: 3 } }),
        routeContext({ id: lot.id }),
      ),
      403,
      "forbidden",
    );
  });
});

describe("accounts", () => {
  it("signs up a driver with a hashed password; the address is taken once", async () => {
    const db = await getDb();
    const email = `new-${Date.now()}@test.spotkeeper.dev`;
    await signUp(db, { name: "Nia", email: email.toUpperCase(), password: "a long enough password" });
    const row = await findUserByEmail(db, email);
    expect(row).toMatchObject({ role: "driver", name: "Nia" });
    expect(row!.passwordHash).toMatch(/^scrypt\$/);
    await expect(signUp(db, { name: "Nia", email, password: "another long password" })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(
      signUp(db, { name: "D", email: "x@spotkeeper.demo", password: "a long enough password" }),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("ends every session on 'sign out everywhere' and on a password change, which needs the current password", async () => {
    const db = await getDb();
    const email = `pw-${Date.now()}@test.spotkeeper.dev`;
    const { id } = await signUp(db, { name: "Pat", email, password: "first password here" });
    const v0 = (await findSessionUser(db, id))!.sessionVersion;
    await signOutEverywhere(db, { id, email });
    expect((await findSessionUser(db, id))!.sessionVersion).toBe(v0 + 1);
    await expect(
      changePassword(db, { id, email }, { current_password: "wrong", new_password: "second password here" }),
    ).rejects.toMatchObject({ code: "validation_failed" });
    await changePassword(
      db,
      { id, email },
      { current_password: "first password here", new_password: "second password here" },
    );
    expect((await findSessionUser(db, id))!.sessionVersion).toBe(v0 + 2);
    expect((await signInWithPassword(db, email, "first password here", null)).ok).toBe(false);
    expect((await signInWithPassword(db, email, "second password here", null)).ok).toBe(true);
  });
});

describe("demo stays demo (these tests run outside demo mode)", () => {
  it("refuses the demo tokens, users and gate secrets even though their rows exist", async () => {
    const db = await getDb();
    const [demoUser] = await db
      .insert(users)
      .values({ email: `operator-${Date.now()}@spotkeeper.demo`, name: "Demo", role: "operator" })
      .returning({ id: users.id });
    const leftover = `sk_leftover_${Date.now()}`;
    await createApiToken(db, demoUser!.id, "leftover", leftover);
    await expectError(
      await meRoute(apiRequest("GET", "/v1/me", { token: leftover }), routeContext()),
      401,
      "unauthorized",
    );
    // The well-known demo token, even if it is a row of a perfectly real user.
    const real = await createUser("driver");
    await db.delete(apiTokens).where(eq(apiTokens.tokenHash, hashToken("demo-operator-token")));
    await createApiToken(db, real.id, "demo", "demo-operator-token");
    await expectError(
      await meRoute(apiRequest("GET", "/v1/me", { token: "demo-operator-token" }), routeContext()),
      401,
      "unauthorized",
    );

    const lot = await createTestLot();
    const secret = "gk_demo_canal-street-garage_entry";
    await db.delete(gateDevices).where(eq(gateDevices.secretHash, hashToken(secret)));
    await db
      .insert(gateDevices)
      .values({ lotId: lot.id, name: "Demo entry", direction: "entry", secretHash: hashToken(secret) });
    await expectError(
      await commandsRoute(apiRequest("GET", "/v1/gates/commands", { token: secret }), routeContext()),
      401,
      "unauthorized",
    );

    const demoEmail = `driver-${Date.now()}@spotkeeper.demo`;
    await db
      .insert(users)
      .values({ email: demoEmail, name: "Demo", passwordHash: await hashPassword("spotkeeper-demo") });
    expect((await signInWithPassword(db, demoEmail, "spotkeeper-demo", null)).ok).toBe(false);
  });
});

describe("seeding", () => {
  it("never overwrites the secret of a gate that exists (a rotated or real one)", async () => {
    const db = await getDb();
    const tokens = { driverToken: "demo-driver-token", operatorToken: "demo-operator-token" };
    await seedDemo(db, tokens);
    const [lot] = await db
      .select()
      .from(lots)
      .where(and(eq(lots.name, DEMO_LOTS[1]!.name), eq(lots.organisationId, DEMO_ORGANISATION_ID)));
    const [gate] = await db
      .select()
      .from(gateDevices)
      .where(and(eq(gateDevices.lotId, lot!.id), eq(gateDevices.name, "Entry")));
    const realHash = hashToken(`gk_real_${Date.now()}`);
    await setGateSecret(db, lot!.id, gate!.id, realHash);
    await seedDemo(db, tokens);
    const [after] = await db.select().from(gateDevices).where(eq(gateDevices.id, gate!.id));
    expect(after!.secretHash).toBe(realHash);
  });
});

describe("web hardening", () => {
  it("keeps the page after sign-in on this site", () => {
    expect(safeCallbackPath("/reservations?x=1#top")).toBe("/reservations?x=1#top");
    for (const evil of [
      "/\t/evil.com",
      "/%09/evil.com".replace("%09", "\t"),
      "//evil.com",
      "/\\evil.com",
      "https://evil.com",
      "/\n/evil.com",
      "javascript:alert(1)",
      "",
    ]) {
      expect(safeCallbackPath(evil)).toBe("/");
    }
    expect(safeCallbackPath(decodeURIComponent("/%09/evil.com"))).toBe("/");
  });

  it("refuses cookie-authenticated writes from another site", () => {
    const req = (headers: Record<string, string>, method = "POST") =>
      new Request("http://spotkeeper.test/v1/reservations", {
        method,
        headers: { host: "spotkeeper.test", ...headers },
      });
    expect(() => assertSameOrigin(req({ "sec-fetch-site": "cross-site" }))).toThrow(/Cross-site/);
    expect(() => assertSameOrigin(req({ "sec-fetch-site": "same-site" }))).toThrow(/Cross-site/);
    expect(() => assertSameOrigin(req({ origin: "https://evil.example" }))).toThrow(/Cross-site/);
    expect(() => assertSameOrigin(req({ "sec-fetch-site": "same-origin" }))).not.toThrow();
    expect(() => assertSameOrigin(req({ origin: "http://spotkeeper.test" }))).not.toThrow();
    expect(() => assertSameOrigin(req({ "sec-fetch-site": "cross-site" }, "GET"))).not.toThrow();
  });
});

describe("a token's last use", () => {
  // The flush runs from a timer: with the pool closed (a stopping process, a test file's teardown)
  // it must not open a database, and migrate it, on its own.
  it("is not written when the pool has been closed, and no pool is opened for it", async () => {
    const user = await createUser("driver");
    expect((await meRoute(apiRequest("GET", "/v1/me", { token: user.token }), routeContext())).status).toBe(200);
    await closeDb();
    await flushTokenTouches();
    expect(openedDb()).toBeUndefined();
  });
});
