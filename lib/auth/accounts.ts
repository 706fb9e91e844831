import "server-only";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { bumpSessionVersion, insertToken, listTokens, revokeToken, type TokenRow } from "@/db/queries/tokens";
import { findUserByEmail, insertDriver } from "@/db/queries/users";
import { ApiError, PG, pgCode } from "@/lib/errors";
import type { ChangePasswordInput, CreateTokenInput, SignUpInput } from "@/lib/organisations/schemas";
import { flushTokenTouches, forgetCallers, type Scope } from "./caller";
import { DEMO_EMAIL_DOMAIN } from "./demo";
import { generateToken, hashPassword, verifyPassword } from "./secrets";

type Who = { id: string; email: string; scopes?: string[] };

/** A new driver account. Drivers are customers of every organisation; running lots starts with creating one. */
export async function signUp(db: Db, input: z.output<typeof SignUpInput>) {
  const email = input.email.trim().toLowerCase();
  if (email.endsWith(DEMO_EMAIL_DOMAIN))
    throw new ApiError("validation_failed", "Choose another e-mail address", [
      { path: "email", message: "is reserved" },
    ]);
  const passwordHash = await hashPassword(input.password);
  try {
    return await insertDriver(db, { email, name: input.name, passwordHash });
  } catch (err) {
    if (pgCode(err) === PG.uniqueViolation) {
      throw new ApiError("conflict", "An account with this e-mail already exists: sign in instead", [
        { path: "email", message: "already has an account" },
      ]);
    }
    throw err;
  }
}

/** Ends every session of the user (theirs included): sessions carry the version they were signed with. */
export async function signOutEverywhere(db: Db, caller: Who) {
  await bumpSessionVersion(db, caller.id);
}

/** A new password ends every other session too, so a stolen cookie stops working with the old password. */
export async function changePassword(db: Db, caller: Who, input: z.output<typeof ChangePasswordInput>) {
  const user = await findUserByEmail(db, caller.email);
  if (!user || !(await verifyPassword(input.current_password, user.passwordHash))) {
    throw new ApiError("validation_failed", "The current password is not right", [
      { path: "current_password", message: "is not right" },
    ]);
  }
  await bumpSessionVersion(db, caller.id, await hashPassword(input.new_password));
}

export function tokenOut(t: TokenRow) {
  return {
    token_id: t.id,
    name: t.name,
    scopes: t.scopes as Scope[],
    created_at: t.createdAt.toISOString(),
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    revoked_at: t.revokedAt?.toISOString() ?? null,
  };
}

/** A personal API token: shown in this answer only; only its hash is kept. A token cannot mint wider scopes than its own. */
export async function createPersonalToken(db: Db, caller: Who, input: z.output<typeof CreateTokenInput>) {
  const scopes = [...new Set(input.scopes)];
  const wider = caller.scopes ? scopes.filter((s) => !caller.scopes!.includes(s)) : [];
  if (wider.length)
    throw new ApiError("forbidden", `This token cannot create a token with the ${wider.join(", ")} scope`);
  const token = generateToken("sk");
  const row = await insertToken(db, { userId: caller.id, name: input.name, token, scopes });
  return { ...tokenOut({ ...row, revokedAt: null, lastUsedAt: null }), token };
}

export async function personalTokens(db: Db, caller: Who) {
  await flushTokenTouches(); // this process's uses show at once
  return (await listTokens(db, caller.id)).map(tokenOut);
}

/** Refused from the next request on here, and by every other process within CALLERS_REACH_ALL_MS (lib/auth/caller.ts). */
export async function revokePersonalToken(db: Db, caller: Who, tokenId: string) {
  const row = await revokeToken(db, caller.id, tokenId);
  if (!row) throw new ApiError("not_found", "Token not found");
  forgetCallers();
  return tokenOut(row);
}
