import "server-only";
import type { Db } from "@/db/client";
import { findUserByEmail } from "@/db/queries/users";
import { enforceLimits, RateLimitedError } from "@/lib/ratelimit";
import { refusedDemoEmail } from "./demo";
import { hashPassword, verifyPassword } from "./secrets";

// Hashed once per process: an unknown e-mail is checked against it, so a wrong address costs the
// same scrypt as a wrong password and the answer's timing does not tell which addresses exist.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword("spotkeeper-no-such-user"));

export type SignInResult = { ok: true; user: { id: string; email: string; name: string; role: string; sessionVersion: number } } | { ok: false; retryAfter?: number };

/**
 * Email + password, limited per account and per client address. Only failures count, so a driver
 * who signs in often is never locked out; once either limit is reached every attempt is refused
 * without checking the password (the same work for known and unknown addresses).
 */
export async function signInWithPassword(db: Db, email: string, password: string, ip: string | null): Promise<SignInResult> {
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
  const valid = await verifyPassword(password, hash ?? (await dummy()));
  if (usable && hash && valid) return { ok: true, user: { id: usable.id, email: usable.email, name: usable.name, role: usable.role, sessionVersion: usable.sessionVersion } };
  await enforceLimits(checks).catch((err) => {
    if (!(err instanceof RateLimitedError)) throw err;
  });
  return { ok: false };
}
