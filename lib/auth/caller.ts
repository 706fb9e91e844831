import type { Db } from "@/db/client";
import { findCallerByToken } from "@/db/queries/users";
import { ApiError } from "@/lib/errors";

/** The person behind a request: an API token's owner or the site's signed-in user. */
export type Caller = { id: string; email: string; name: string; role: "driver" | "operator" };

/** A bearer token wins over the session cookie; a malformed or unknown token is a 401, never a fallback. */
export async function resolveCaller(req: Request, db: Db): Promise<Caller | null> {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError("unauthorized", "Authorization header must be `Bearer <token>`");
    const caller = await findCallerByToken(db, match[1]!);
    if (!caller) throw new ApiError("unauthorized", "Unknown or revoked API token");
    return caller;
  }
  // No token: the site's own fetches carry the next-auth session cookie instead.
  const { getSessionCaller } = await import("@/lib/auth/session");
  return getSessionCaller();
}
