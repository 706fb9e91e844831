import { getDb, type Db } from "@/db/client";
import { findCallerByToken } from "@/db/queries/users";
import { ApiError } from "@/lib/errors";
import { errorResponse } from "./respond";

export type Caller = { id: string; email: string; name: string; role: "driver" | "operator" };
type RouteCtx = { params: Promise<Record<string, string | string[] | undefined>> };
type Handler = (args: {
  req: Request;
  db: Db;
  caller: Caller;
  params: Record<string, string | string[] | undefined>;
}) => Promise<Response>;

async function resolveCaller(req: Request, db: Db): Promise<Caller | null> {
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

/** dub-style wrapper: authenticates, hands the handler a ready database, renders every error. */
export function withAuth(handler: Handler, opts: { operatorOnly?: boolean } = {}) {
  return async (req: Request, ctx: RouteCtx) => {
    try {
      const db = await getDb();
      const caller = await resolveCaller(req, db);
      if (!caller) throw new ApiError("unauthorized", "Sign in or send `Authorization: Bearer <token>`");
      if (opts.operatorOnly && caller.role !== "operator") {
        throw new ApiError("forbidden", "Only operators may do this");
      }
      return await handler({ req, db, caller, params: (await ctx?.params) ?? {} });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** For public, read-only endpoints (lot listing, availability, the OpenAPI document). */
export function withDb(handler: (args: Omit<Parameters<Handler>[0], "caller">) => Promise<Response>) {
  return async (req: Request, ctx: RouteCtx) => {
    try {
      return await handler({ req, db: await getDb(), params: (await ctx?.params) ?? {} });
    } catch (err) {
      return errorResponse(err);
    }
  };
}
