import type { Db } from "@/db/client";
import { findTokenCaller, touchToken } from "@/db/queries/tokens";
import { ApiError } from "@/lib/errors";
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
 * A bearer token wins over the session cookie; a malformed, unknown or revoked token is a 401, never
 * a fallback. `viaCookie` tells the caller to check the request is same-origin (lib/http/same-origin).
 */
export async function resolveCaller(req: Request, db: Db): Promise<{ caller: Caller | null; viaCookie: boolean }> {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError("unauthorized", "Authorization header must be `Bearer <token>`");
    const caller = refusedDemoToken(match[1]!) ? null : await findTokenCaller(db, match[1]!);
    if (!caller || refusedDemoEmail(caller.email)) throw new ApiError("unauthorized", "Unknown or revoked API token");
    // Not awaited on the request's path: "last used" may lag, the answer may not.
    touchToken(db, caller.tokenId).catch(() => {});
    return { caller, viaCookie: false };
  }
  // No token: the site's own fetches carry the next-auth session cookie instead.
  const { getSessionCaller } = await import("@/lib/auth/session");
  return { caller: await getSessionCaller(), viaCookie: true };
}
