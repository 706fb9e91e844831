import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { signUp } from "@/lib/auth/accounts";
import * as secrets from "@/lib/auth/secrets";
import * as ratelimit from "@/lib/ratelimit";
import { DUMMY_PASSWORD_HASH, signInWithPassword } from "@/lib/auth/sign-in";
import { createUser } from "./fixtures";

// "No timing difference between unknown and known e-mails", checked by the work done rather than by
// the clock: an unknown address, a known one with the wrong password, and an account without a
// password each run exactly one password verification (one scrypt of the same key length) and the
// same limiter calls, and get the same answer.

vi.mock("@/lib/auth/secrets", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/auth/secrets")>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword), hashPassword: vi.fn(actual.hashPassword) };
});
vi.mock("@/lib/ratelimit", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/ratelimit")>();
  return { ...actual, enforceLimits: vi.fn(actual.enforceLimits) };
});

const verify = vi.mocked(secrets.verifyPassword);
const hash = vi.mocked(secrets.hashPassword);
const limits = vi.mocked(ratelimit.enforceLimits);

/** What one sign-in did: its answer, the hashes it verified against, and the limiter calls with the keys blanked. */
async function attempt(email: string, password: string, ip: string) {
  verify.mockClear();
  hash.mockClear();
  limits.mockClear();
  const answer = await signInWithPassword(await getDb(), email, password, ip);
  return {
    answer,
    verifiedAgainst: verify.mock.calls.map(([, stored]) => stored),
    hashed: hash.mock.calls.length,
    limiterCalls: limits.mock.calls.map(([checks, opts]) => ({
      policies: checks.map(([policy]) => policy),
      opts: opts ?? null,
    })),
    keys: limits.mock.calls.map(([checks]) => checks.map(([, key]) => key)),
  };
}

const keyShape = (stored: string | null) => {
  const [scheme, salt, key] = stored!.split("$");
  return { scheme, salt: Buffer.from(salt!, "base64url").length, key: Buffer.from(key!, "base64url").length };
};

beforeEach(() => {
  process.env.RATE_LIMIT_SIGN_IN_ACCOUNT = "50/300";
  process.env.RATE_LIMIT_SIGN_IN_IP = "50/300";
});
afterEach(() => {
  delete process.env.RATE_LIMIT_SIGN_IN_ACCOUNT;
  delete process.env.RATE_LIMIT_SIGN_IN_IP;
});

describe("sign-in does the same work for unknown and known e-mails", () => {
  it("verifies one password hash of the same shape, calls the same limits and answers alike", async () => {
    const known = `known-${Date.now()}@test.spotkeeper.dev`;
    await signUp(await getDb(), { name: "Kim", email: known, password: "correct horse battery" });
    const ip = "198.51.100.200";

    const unknown = await attempt(`nobody-${Date.now()}@test.spotkeeper.dev`, "wrong password!", ip);
    const wrong = await attempt(known, "wrong password!", ip);

    expect(unknown.answer).toEqual({ ok: false });
    expect(wrong.answer).toEqual(unknown.answer);
    // Exactly one scrypt each, none spent on hashing: the unknown address is checked against the dummy.
    expect(unknown.verifiedAgainst).toEqual([DUMMY_PASSWORD_HASH]);
    expect(wrong.verifiedAgainst).toHaveLength(1);
    expect(wrong.verifiedAgainst[0]).not.toBe(DUMMY_PASSWORD_HASH);
    expect(unknown.hashed + wrong.hashed).toBe(0);
    // scrypt's work depends on the key length: the dummy's is a real password hash's.
    expect(keyShape(DUMMY_PASSWORD_HASH)).toEqual(keyShape(wrong.verifiedAgainst[0]!));
    expect(keyShape(DUMMY_PASSWORD_HASH)).toEqual(keyShape(await secrets.hashPassword("any password at all")));
    // The same limiter calls: a look without counting, then the failure counted on account and address.
    expect(unknown.limiterCalls).toEqual(wrong.limiterCalls);
    expect(unknown.limiterCalls).toEqual([
      { policies: ["sign_in_account", "sign_in_ip"], opts: { count: false } },
      { policies: ["sign_in_account", "sign_in_ip"], opts: null },
    ]);
    expect(wrong.keys[1]).toEqual([known, ip]);
  });

  it("treats an account without a password as an unknown address", async () => {
    const operator = await createUser("operator"); // made without a password
    const noPassword = await attempt(operator.email, "anything at all", "198.51.100.201");
    expect(noPassword.answer).toEqual({ ok: false });
    expect(noPassword.verifiedAgainst).toEqual([DUMMY_PASSWORD_HASH]);
    expect(noPassword.limiterCalls).toHaveLength(2);
  });

  it("signs in a known address with its password after the same single verification", async () => {
    const email = `right-${Date.now()}@test.spotkeeper.dev`;
    await signUp(await getDb(), { name: "Rae", email, password: "correct horse battery" });
    const ok = await attempt(email, "correct horse battery", "198.51.100.202");
    expect(ok.answer.ok).toBe(true);
    expect(ok.verifiedAgainst).toHaveLength(1);
    // A success is not counted against the limits: only the look before the check.
    expect(ok.limiterCalls).toEqual([{ policies: ["sign_in_account", "sign_in_ip"], opts: { count: false } }]);
  });
});
