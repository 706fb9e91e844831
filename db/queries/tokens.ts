import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { hashToken } from "@/lib/auth/secrets";
import type { DbOrTx } from "../client";
import { apiTokens, users } from "../schema";

/** The user a live (not revoked) token belongs to, with the token's id and scopes; by the token's hash (hashToken). */
export async function findTokenCaller(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      tokenId: apiTokens.id,
      scopes: apiTokens.scopes,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)))
    .limit(1);
  return row ?? null;
}

/**
 * "Last used" for many tokens in one statement (lib/auth/caller.ts gathers them): at most one write
 * a minute per token, as "last used" is for people, not an access log.
 */
export async function touchTokens(db: DbOrTx, touches: { tokenId: string; at: Date }[]) {
  if (touches.length === 0) return;
  const json = JSON.stringify(touches.map((x) => ({ id: x.tokenId, at: x.at.toISOString() })));
  await db.execute(sql`
    update api_tokens t set last_used_at = v.at
    from jsonb_to_recordset(${json}::jsonb) as v(id uuid, at timestamptz)
    where t.id = v.id and (t.last_used_at is null or t.last_used_at < v.at - interval '1 minute')`);
}

export async function insertToken(db: DbOrTx, v: { userId: string; name: string; token: string; scopes: string[] }) {
  const [row] = await db
    .insert(apiTokens)
    .values({ userId: v.userId, name: v.name, scopes: v.scopes, tokenHash: hashToken(v.token) })
    .returning();
  return row!;
}

/** A token as its owner sees it: never its hash. */
const tokenColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  scopes: apiTokens.scopes,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

export async function listTokens(db: DbOrTx, userId: string) {
  return db
    .select(tokenColumns)
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

export type TokenRow = Awaited<ReturnType<typeof listTokens>>[number];

/** Revokes the user's own token; revoking twice keeps the first time. */
export async function revokeToken(db: DbOrTx, userId: string, tokenId: string, at = new Date()) {
  await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
  const [row] = await db
    .select(tokenColumns)
    .from(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
    .limit(1);
  return row ?? null;
}

export async function sessionVersionOf(db: DbOrTx, userId: string) {
  const [row] = await db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.v ?? null;
}

export async function bumpSessionVersion(db: DbOrTx, userId: string, passwordHash?: string) {
  const [row] = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1`, ...(passwordHash ? { passwordHash } : {}) })
    .where(eq(users.id, userId))
    .returning({ v: users.sessionVersion });
  return row?.v ?? null;
}

/** The session's user with the session version its cookie must carry. */
export async function findSessionUser(db: DbOrTx, id: string) {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      sessionVersion: users.sessionVersion,
    })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}
