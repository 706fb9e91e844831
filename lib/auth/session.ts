import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { getDb } from "@/db/client";
import { findUserById } from "@/db/queries/users";
import type { Caller } from "@/lib/auth/caller";
import { authOptions } from "./options";

/**
 * The signed-in user of the site, re-read from the database so a changed role applies at once.
 * Memoised per request (React cache): the header and the page both ask.
 */
export const getSessionCaller = cache(async (): Promise<Caller | null> => {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  return findUserById(await getDb(), id);
});
