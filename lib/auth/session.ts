import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { getDb } from "@/db/client";
import { findSessionUser } from "@/db/queries/tokens";
import type { Caller } from "@/lib/auth/caller";
import { refusedDemoEmail } from "./demo";
import { authOptions } from "./options";

/**
 * The signed-in user of the site, re-read from the database so a changed role applies at once and a
 * session from before "sign out everywhere" (or a password change) ends at once.
 * Memoised per request (React cache): the header and the page both ask.
 */
export const getSessionCaller = cache(async (): Promise<Caller | null> => {
  const session = await getServerSession(authOptions);
  const claims = session?.user as { id?: string; sv?: number } | undefined;
  if (!claims?.id) return null;
  const user = await findSessionUser(await getDb(), claims.id);
  if (!user || user.sessionVersion !== (claims.sv ?? 0) || refusedDemoEmail(user.email)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});
