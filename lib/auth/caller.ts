import type { Db } from "@/db/client";
import { findTokenCaller, touchTokens } from "@/db/queries/tokens";
import { hashToken } from "@/lib/auth/secrets";
import { ApiError } from "@/lib/errors";
import { setShared, SHARED_STATE_POLL_MS, watchShared } from "@/lib/redis/shared-state";
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
 * process; a process that dies loses that much of it.
 *
 * A revocation or a role change (lib/auth/accounts.ts, lib/organisations) takes effect at once in
 * the process that made it and, with Redis, in every other process within CALLERS_REACH_ALL_MS: it
 * bumps a shared version every process polls (lib/redis/shared-state.ts) and empties its cache on,
 * as a gate secret's rotation does. Without Redis there is one process.
 */
export const TOKEN_CACHE_TTL_MS = 30_000;
export const CALLERS_REACH_ALL_MS = 2 * SHARED_STATE_POLL_MS;
const TOUCH_EVERY_MS = 60_000;
const TOUCH_FLUSH_MS = 2_000;

const MAX_CACHED = 20_000;

type Cached = { caller: Caller; expiresAt: number; touchedAt: number };
const g = globalThis as unknown as {
  __spotkeeperCallers?: { entries: Map<string, Cached>; generation: number };
  __spotkeeperCallersWatch?: boolean;
  __spotkeeperTouches?: Touches;
};
type Touches = { pending: Map<string, Date>; timer?: NodeJS.Timeout; db?: Db };
// `generation` counts the times the cache was emptied: a lookup that began before one is not kept.
const callers = (g.__spotkeeperCallers ??= { entries: new Map(), generation: 0 });
const cache = callers.entries;
const forgetAll = () => {
  cache.clear();
  callers.generation++;
};
const touches: Touches = (g.__spotkeeperTouches ??= { pending: new Map() });

function noteTouch(db: Db, tokenId: string, at: Date) {
  touches.pending.set(tokenId, at);
  touches.db = db;
  touches.timer ??= setTimeout(() => void flushTokenTouches(), TOUCH_FLUSH_MS).unref();
}

/** Writes the "last used" noted since the last flush (before listing a user's tokens, too). */
export async function flushTokenTouches() {
  clearTimeout(touches.timer);
  touches.timer = undefined;
  const batch = [...touches.pending].map(([tokenId, at]) => ({ tokenId, at }));
  touches.pending.clear();
  if (batch.length && touches.db)
    await touchTokens(touches.db, batch).catch((err) =>
      console.warn(`[spotkeeper] "last used" of ${batch.length} API tokens not written:`, (err as Error).message),
    );
}

function watchChanges() {
  if (g.__spotkeeperCallersWatch) return;
  g.__spotkeeperCallersWatch = true;
  watchShared("callers-version", forgetAll);
}

/** After a token is revoked or a user's role changes: every process asks PostgreSQL again. */
export function forgetCallers() {
  forgetAll();
  setShared("callers-version", `${Date.now()}:${Math.random()}`).catch((err) =>
    console.warn(
      "[spotkeeper] could not tell other processes about a revoked token or changed role; they see it within the cache time:",
      (err as Error).message,
    ),
  );
}

async function tokenCaller(db: Db, token: string): Promise<Caller | null> {
  if (refusedDemoToken(token)) return null;
  watchChanges();
  const hash = hashToken(token);
  const now = Date.now();
  let hit = cache.get(hash);
  if (!hit || hit.expiresAt <= now) {
    const generation = callers.generation;
    const caller = await findTokenCaller(db, hash);
    if (!caller) {
      cache.delete(hash);
      return null;
    }
    hit = { caller, expiresAt: now + TOKEN_CACHE_TTL_MS, touchedAt: hit?.touchedAt ?? 0 };
    // Read before a revocation this process heard of: answer with it this once, but do not keep it.
    if (generation === callers.generation) {
      if (cache.size >= MAX_CACHED) for (const [k, v] of cache) if (v.expiresAt <= now) cache.delete(k);
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(hash, hit);
    }
  }
  if (hit.touchedAt <= now - TOUCH_EVERY_MS) {
    hit.touchedAt = now;
    noteTouch(db, hit.caller.tokenId!, new Date(now));
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
