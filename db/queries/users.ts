import { eq } from "drizzle-orm";
import { hashToken } from "@/lib/auth/secrets";
import type { DbOrTx } from "../client";
import { apiTokens, users } from "../schema";

export async function findCallerByToken(db: DbOrTx, token: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token)))
    .limit(1);
  return row ?? null;
}

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  return row ?? null;
}

export async function findUserById(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}

export async function createApiToken(db: DbOrTx, userId: string, name: string, token: string) {
  await db
    .insert(apiTokens)
    .values({ userId, name, tokenHash: hashToken(token) })
    .onConflictDoNothing();
}

export async function insertDriver(db: DbOrTx, values: { email: string; name: string; passwordHash: string }) {
  const [user] = await db
    .insert(users)
    .values({ ...values, role: "driver" })
    .returning({ id: users.id, email: users.email });
  return user!;
}

/** The payment processor's customer of a user, or null before their first payment. */
export async function processorCustomerId(db: DbOrTx, userId: string): Promise<string | null> {
  const [row] = await db.select({ id: users.stripeCustomerId }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.id ?? null;
}
