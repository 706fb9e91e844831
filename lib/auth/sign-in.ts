import "server-only";
import type { Db } from "@/db/client";
import { findUserByEmail } from "@/db/queries/users";
import { enforceLimits, RateLimitedError } from "@/lib/ratelimit";
import { refusedDemoEmail } from "./demo";
import { verifyPassword } from "./secrets";

// An unknown e-mail (or an account without a password) is checked against this hash, so a wrong
// address costs the same one scrypt as a wrong password and the answer's timing does not tell which
// addresses exist. A constant of hashPassword's shape (16-byte salt, 32-byte key), not one hashed on
// first use: that first unknown address would otherwise cost two scrypts. verifyPassword's work
// depends only on the key length, which tests/sign-in-enumeration.test.ts checks against hashPassword.
export const DUMMY_PASSWORD_HASH = "scrypt$CEPcRmQD01OfSp7Ey3zVEA$zMwt0f4IlorSJJHOMv9haWo9PWcZlQtv133AQpQSvrI";

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string; role: string; sessionVersion: number } }
  | { ok: false; retryAfter?: number };

/**
 * Email + password, limited per account and per client address. Only failures count, so a driver
 * who signs in often is never locked out; once either limit is reached every attempt is refused
 * without checking the password (the same work for known and unknown addresses).
 */
export async function signInWithPassword(
  db: Db,
  email: string,
  password: string,
  ip: string | null,
): Promise<SignInResult> {
  const account = email.trim().toLowerCase();
  const checks: Parameters<typeof enforceLimits>[0] = [
    ["sign_in_account", account],
    ["sign_in_ip", ip],
  ];
  try {
    await enforceLimits(checks, { count: false });
  } catch (err) {
    if (err instanceof RateLimitedError) return { ok: false, retryAfter: err.result.resetSeconds };
    throw err;
  }
  const user = await findUserByEmail(db, account);
  const usable = user && !refusedDemoEmail(user.email) ? user : null;
  const hash = usable?.passwordHash ?? null;
  const valid = await verifyPassword(password, hash ?? DUMMY_PASSWORD_HASH);
  if (usable && hash && valid)
    return {
      ok: true,
      user: {
        id: usable.id,
        email: usable.email,
        name: usable.name,
        role: usable.role,
        sessionVersion: usable.sessionVersion,
      },
    };
  await enforceLimits(checks).catch((err) => {
    if (!(err instanceof RateLimitedError)) throw err;
  });
  return { ok: false };
}
