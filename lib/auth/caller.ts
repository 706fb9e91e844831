import { openedDb, type Db } from "@/db/client";
import { findTokenCaller, touchTokens } from "@/db/queries/tokens";
import { hashToken } from "@/lib/auth/secrets";
import { ApiError } from "@/lib/errors";
import { FORGET_REACHES_ALL_MS, sharedCache } from "@/lib/redis/shared-cache";
import { refusedDemoEmail, refusedDemoToken } from "./demo";

export type Scope = "read" | "book" | "operate";

/** The person behind a request: an API token's owner or the site's signed-in user. */
export type Caller = {
  id: string;
  email: string;
  name: string;
  role: "driver" | "operator";
  /** Set when the caller authenticated with a personal API token; a session may do everything. */
  tokenId?: string;
  scopes?: string[];
};

/**
 * A verified token's caller is remembered this long, so an API request costs no query to learn who
 * sent it, and no write either: "last used" is noted in memory and written for every token used in
 * one statement each TOUCH_FLUSH_MS (flushTokenTouches), at most once a minute per token and
 * process; a process that dies loses that much of it. A revocation or a role change
 * (lib/auth/accounts.ts, lib/organisations) empties the cache in every process within
 * CALLERS_REACH_ALL_MS (forgetCallers; lib/redis/shared-cache.ts), as a gate secret's rotation does.
 */
export const TOKEN_CACHE_TTL_MS = 30_000;
export const CALLERS_REACH_ALL_MS = FORGET_REACHES_ALL_MS;
const TOUCH_EVERY_MS = 60_000;
const TOUCH_FLUSH_MS = 2_000;

const callers = sharedCache<{ caller: Caller; touchedAt: number }>("callers-version", {
  ttlMs: TOKEN_CACHE_TTL_MS,
  max: 20_000,
});

type Touches = { pending: Map<string, Date>; timer?: NodeJS.Timeout };
const g = globalThis as unknown as { __spotkeeperTouches?: Touches };
const touches: Touches = (g.__spotkeeperTouches ??= { pending: new Map() });

function noteTouch(tokenId: string, at: Date) {
  touches.pending.set(tokenId, at);
  touches.timer ??= setTimeout(() => void flushTokenTouches(), TOUCH_FLUSH_MS).unref();
}

/** Writes the "last used" noted since the last flush (before listing a user's tokens, too). */
export async function flushTokenTouches() {
  clearTimeout(touches.timer);
  touches.timer = undefined;
  const batch = [...touches.pending].map(([tokenId, at]) => ({ tokenId, at }));
  touches.pending.clear();
  // "Last used" is a hint: with the pool closed (the process is stopping) it is not written.
  const db = openedDb();
  if (batch.length && db)
    await db
      .then((pool) => touchTokens(pool, batch))
      .catch((err) =>
        console.warn(`[spotkeeper] "last used" of ${batch.length} API tokens not written:`, (err as Error).message),
      );
}

/** After a token is revoked or a user's role changes: every process asks PostgreSQL again. */
export function forgetCallers() {
  callers.forget("a revoked token or a changed role");
}

async function tokenCaller(db: Db, token: string): Promise<Caller | null> {
  if (refusedDemoToken(token)) return null;
  const hash = hashToken(token);
  const hit =
    callers.get(hash) ??
    (await callers.load(hash, async () => {
      const caller = await findTokenCaller(db, hash);
      return caller && { caller, touchedAt: 0 };
    }));
  if (!hit) return null;
  const now = Date.now();
  if (hit.touchedAt <= now - TOUCH_EVERY_MS) {
    hit.touchedAt = now;
    noteTouch(hit.caller.tokenId!, new Date(now));
  }
  return hit.caller;
}

/**
 * A bearer token wins over the session cookie; a malformed, unknown or revoked token is a 401, never
 * a fallback. `viaCookie` tells the caller to check the request is same-origin (lib/http/same-origin).
 */
export async function resolveCaller(req: Request, db: Db): Promise<{ caller: Caller | null; viaCookie: boolean }> {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError("unauthorized", "Authorization header must be `Bearer <token>`");
    const caller = await tokenCaller(db, match[1]!);
    if (!caller || refusedDemoEmail(caller.email)) throw new ApiError("unauthorized", "Unknown or revoked API token");
    return { caller, viaCookie: false };
  }
  // No token: the site's own fetches carry the next-auth session cookie instead.
  const { getSessionCaller } = await import("@/lib/auth/session");
  return { caller: await getSessionCaller(), viaCookie: true };
}
