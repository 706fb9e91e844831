import { getDb, type Db } from "@/db/client";
import { insertAudit } from "@/db/queries/audit";
import { findTokenCaller, touchToken } from "@/db/queries/tokens";
import type { Lot, OrganisationRole } from "@/db/schema";
import { refusedDemoEmail, refusedDemoToken } from "@/lib/auth/demo";
import { authorizeGate, authorizeLot } from "@/lib/auth/lot-access";
import { ApiError } from "@/lib/errors";
import { clientIp, enforceLimits, withLimitHeaders, type LimitResult } from "@/lib/ratelimit";
import type { PolicyName } from "@/lib/ratelimit/config";
import { errorResponse } from "./respond";
import { assertSameOrigin } from "./same-origin";

export type Scope = "read" | "book" | "operate";
export type Caller = {
  id: string;
  email: string;
  name: string;
  role: "driver" | "operator";
  /** Set when the caller authenticated with a personal API token; a session may do everything. */
  tokenId?: string;
  scopes?: string[];
};
type RouteCtx = { params: Promise<Record<string, string | string[] | undefined>> };
type Params = Record<string, string | string[] | undefined>;
type Handler = (args: { req: Request; db: Db; caller: Caller; params: Params; lot?: Lot }) => Promise<Response>;

export type AuthOptions = {
  operatorOnly?: boolean;
  /**
   * Lot-scoped: the caller's minimum role in the organisation running the lot named by
   * `params[lotParam ?? "id"]` (or the lot of the gate `params[gateParam]`). Another organisation's
   * lot answers 404, a lower role 403; writes are written to the organisation's audit log.
   */
  lotRole?: OrganisationRole;
  lotParam?: string;
  gateParam?: string;
  /** The token scope needed; by default `read` for GET, `operate` for lot-scoped writes, else `book`. */
  scope?: Scope;
  /** An extra, stricter limit for this operation (per user), e.g. payment attempts. */
  limit?: PolicyName;
};

async function resolveCaller(req: Request, db: Db): Promise<{ caller: Caller | null; viaCookie: boolean }> {
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

function requiredScope(req: Request, opts: AuthOptions): Scope {
  if (opts.scope) return opts.scope;
  if (req.method === "GET" || req.method === "HEAD") return "read";
  return opts.lotRole || opts.operatorOnly ? "operate" : "book";
}

const param = (params: Params, name: string, what: string) => {
  const v = params[name];
  if (typeof v !== "string") throw new ApiError("not_found", `${what} not found`);
  return v;
};
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

async function authorizeRoute(db: Db, caller: Caller, params: Params, opts: AuthOptions): Promise<Lot | undefined> {
  if (!opts.lotRole) return undefined;
  if (opts.gateParam) {
    const gateId = param(params, opts.gateParam, "Gate");
    if (!isUuid(gateId)) throw new ApiError("not_found", "Gate not found");
    return (await authorizeGate(db, caller, gateId, opts.lotRole)).lot;
  }
  const lotId = param(params, opts.lotParam ?? "id", "Lot");
  if (!isUuid(lotId)) throw new ApiError("not_found", "Lot not found");
  return (await authorizeLot(db, caller, lotId, opts.lotRole)).lot;
}

/** Secrets shown once never go into the audit log. */
const redact = (body: unknown) => JSON.parse(JSON.stringify(body ?? null, (k, v) => (k === "secret" || k === "token" ? "[shown once]" : v)));

async function auditLotWrite(db: Db, req: Request, caller: Caller, lot: Lot, res: Response) {
  if (req.method === "GET" || req.method === "HEAD" || !res.ok) return;
  const after = res.headers.get("content-type")?.includes("json") ? redact(await res.clone().json()) : null;
  const { organisationId, ...before } = lot;
  await insertAudit(db, {
    organisationId,
    actorId: caller.id,
    action: `${req.method} ${new URL(req.url).pathname}`,
    targetType: "lot",
    targetId: lot.id,
    // The lot as it was: for a settings change this is the "before" of the edit.
    before: redact(before),
    after,
  });
}

/**
 * dub-style wrapper: rate limits, authenticates, checks the caller's role in the lot's organisation,
 * hands the handler a ready database, renders every error. The one place every /v1 call passes.
 */
export function withAuth(handler: Handler, opts: AuthOptions = {}) {
  return async (req: Request, ctx: RouteCtx) => {
    let limits: LimitResult | null = null;
    let res: Response;
    let failure: unknown;
    try {
      limits = await enforceLimits([["ip", clientIp(req)]]);
      const db = await getDb();
      const { caller, viaCookie } = await resolveCaller(req, db);
      if (!caller) throw new ApiError("unauthorized", "Sign in or send `Authorization: Bearer <token>`");
      if (viaCookie) assertSameOrigin(req);
      limits = (await enforceLimits([["token", caller.tokenId ?? `user:${caller.id}`], ...(opts.limit ? [[opts.limit, caller.id] as [PolicyName, string]] : [])])) ?? limits;
      const scope = requiredScope(req, opts);
      if (caller.scopes && !caller.scopes.includes(scope)) {
        throw new ApiError("forbidden", `This token lacks the \`${scope}\` scope`, { required_scope: scope });
      }
      if (opts.operatorOnly && caller.role !== "operator") {
        throw new ApiError("forbidden", "Only operators may do this");
      }
      const params = (await ctx?.params) ?? {};
      const lot = await authorizeRoute(db, caller, params, opts);
      res = await handler({ req, db, caller, params, lot });
      if (lot) await auditLotWrite(db, req, caller, lot, res);
    } catch (err) {
      failure = err;
      res = errorResponse(err);
    }
    return withLimitHeaders(res, failure, limits);
  };
}

/** For public, read-only endpoints (lot listing, availability, the OpenAPI document): limited per IP. */
export function withDb(handler: (args: Omit<Parameters<Handler>[0], "caller" | "lot">) => Promise<Response>) {
  return async (req: Request, ctx: RouteCtx) => {
    let limits: LimitResult | null = null;
    let res: Response;
    let failure: unknown;
    try {
      limits = await enforceLimits([["ip", clientIp(req)]]);
      res = await handler({ req, db: await getDb(), params: (await ctx?.params) ?? {} });
    } catch (err) {
      failure = err;
      res = errorResponse(err);
    }
    return withLimitHeaders(res, failure, limits);
  };
}
