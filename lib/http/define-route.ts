import { z } from "zod";
import { getDb, type Db } from "@/db/client";
import type { Lot } from "@/db/schema";
import { resolveCaller, type Caller, type Scope } from "@/lib/auth/caller";
import { refusedDemoGateSecret } from "@/lib/auth/demo";
import { hashToken } from "@/lib/auth/secrets";
import { authorizeLot, type OperatorRole } from "@/lib/auth/lot-access";
import { auditOperatorWrite } from "@/lib/organisations/audit";
import { ApiError, isApiError, type ErrorCode } from "@/lib/errors";
import { authenticateGate, type GateContext } from "@/lib/gates/gate-auth";
import { paymentsStatus } from "@/lib/payments/health";
import {
  clientIp,
  enforceLimits,
  enforceTicket,
  limitTicket,
  withLimitHeaders,
  type LimitResult,
  type LimitTicket,
} from "@/lib/ratelimit";
import type { PolicyName } from "@/lib/ratelimit/config";
import { errorResponse, json, parseBody, parseQuery } from "./respond";
import { assertSameOrigin } from "./same-origin";

// One declaration per API operation. From it come the handler's authentication, its input parsing
// and the operation's entry in GET /v1/openapi.json (lib/api/openapi.ts), so the contract and the
// code cannot drift apart. tests/route-coverage.test.ts fails for a route file exporting anything else.

export const TAGS = {
  Reservations: "Book, extend and cancel reservations, and fetch their gate passes",
  Lots: "Lots, their spots and their availability",
  Payments: "Paying holds and reading the money ledger",
  Gates: "Gate devices, their decisions at the barrier and the barrier log",
  Account: "The caller, their personal API tokens",
  Organisations: "Organisations, their members, invitations and audit log",
  Meta: "This document",
} as const;
export type Tag = keyof typeof TAGS;

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

type RawParams = Record<string, string | string[] | undefined>;
type ParamsSchema = z.ZodObject<Record<string, z.ZodType<string>>>;

/** Who may call an operation. */
export type Auth =
  /** Anyone, no credentials (documented with `security: []`). */
  | "public"
  /** Any signed-in person: a driver, or an operator acting as one. Lib functions narrow further (own reservations). */
  | "driver"
  /** A gate device, with its own secret (never a person's token). */
  | "gate"
  /**
   * An operator holding at least `operator` in the organisation of the lot `lot` names. Another
   * organisation's lot (or a lot `lot` cannot find: null) answers 404, a lower role 403; checked by
   * authorizeLot before the handler runs, and a successful write goes to the organisation's audit
   * log. Without `lot` the operation is not scoped to one lot and the handler checks the organisation
   * itself (creating a lot, managing an organisation).
   */
  | {
      operator: OperatorRole;
      lot?: (input: { db: Db; params: Record<string, string> }) => string | null | Promise<string | null>;
    };

type Out<A extends Auth> = {
  caller: A extends "public" | "gate" ? undefined : Caller;
  gate: A extends "gate" ? GateContext : undefined;
  /** With `gateLimitInHandler`: the gate's rate limit, for the handler to count (see LimitTicket). */
  limit: A extends "gate" ? LimitTicket | undefined : undefined;
};

export type RouteSpec<
  A extends Auth,
  P extends ParamsSchema | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
> = {
  method: Method;
  /** OpenAPI path template, `{name}` for each path parameter; the coverage test checks it matches the file's folder. */
  path: `/v1/${string}`;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  auth: A;
  /** Path parameters; a value that does not parse is an unknown record: 404 with the schema's message (see pathId). */
  params?: P;
  query?: Q;
  body?: B;
  response: {
    /** 204: nothing to send back (declare `schema: NoContent`). */
    status?: 200 | 201 | 204;
    description: string;
    schema: R;
    headers?: HeadersInit | ((out: z.input<R>) => HeadersInit);
  };
  /** The codes this operation answers besides those its auth and inputs imply (see impliedErrors). */
  errors?: ErrorCode[];
  /** The API token scope needed: by default `read` for GET, `operate` for operator writes, else `book`. */
  scope?: Scope;
  /** An extra, stricter rate limit for this operation, per user (e.g. payment attempts). */
  limit?: PolicyName;
  /** false: the handler never touches the database (and so must not start one, e.g. at build time). */
  database?: false;
  /**
   * The audit log's word for this operator write to a lot (`lot.settings_updated`), the same words
   * the dashboard's server actions use, so owners read one vocabulary whichever way the act came;
   * every write with a `lot` check names one (tests/route-coverage.test.ts).
   */
  audit?: string;
  /**
   * Gate operations on the barrier's path: the per-gate limit is counted by the handler in the one
   * Redis round trip of the read (input.limit), not by a round trip of its own before it.
   */
  gateLimitInHandler?: true;
  handler: (
    input: {
      req: Request;
      db: Db;
      params: P extends ParamsSchema ? z.output<P> : Record<string, never>;
      query: Q extends z.ZodType ? z.output<Q> : undefined;
      body: B extends z.ZodType ? z.output<B> : undefined;
      /** performance.now() when the request arrived: a gate decision's latency counts from here. */
      startedAt: number;
    } & Out<A>,
  ) => Promise<z.input<R>> | z.input<R>;
};

/** What the document and the coverage test need to know about a declared operation. */
export type RouteDeclaration = Omit<
  RouteSpec<Auth, ParamsSchema | undefined, z.ZodType | undefined, z.ZodType | undefined, z.ZodType>,
  "handler"
>;

type RouteCtx = { params: Promise<RawParams> };
export type DeclaredRoute = ((req: Request, ctx: RouteCtx) => Promise<Response>) & { readonly route: RouteDeclaration };

/** The response schema of an operation that answers 204 with no body. */
export const NoContent = z.void();

/** A path id: a UUID, and anything else names no record, so it is a 404 rather than a validation error. */
export const pathId = (what: string) =>
  z.uuid({ error: `${what} not found` }).describe(`The ${what.toLowerCase()}'s id`);

/** The codes every operation can answer because of how it is called. */
export function impliedErrors(route: RouteDeclaration): ErrorCode[] {
  const codes: ErrorCode[] = ["not_acceptable", "rate_limited"];
  if (route.auth !== "public") codes.push("unauthorized", "forbidden");
  if (typeof route.auth === "object" && route.auth.lot) codes.push("not_found");
  if (route.params) codes.push("not_found");
  if (route.body) codes.push("bad_request");
  if (route.body || route.query) codes.push("validation_failed");
  return [...new Set([...codes, ...(route.errors ?? [])])];
}

const noDatabase = new Proxy({} as Db, {
  get() {
    throw new Error("This route is declared with `database: false`");
  },
});

export function defineRoute<
  A extends Auth,
  P extends ParamsSchema | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
>(spec: RouteSpec<A, P, Q, B, R>): DeclaredRoute {
  const { handler, ...route } = spec;
  const run = async (req: Request, ctx: RouteCtx): Promise<Response> => {
    const startedAt = performance.now();
    let res: Response;
    let failure: unknown;
    let limits: LimitResult | null = null;
    let ticket: LimitTicket | undefined;
    try {
      if (!acceptsJson(req))
        throw new ApiError(
          "not_acceptable",
          "This API answers with application/json; send an Accept header that allows it",
        );
      // Gates are limited per gate, never by an address's limit: a lot's gates often share one address.
      // A bearer token's limit is known before authentication too (keyed by the token's hash): both
      // are asked together, one Redis round trip's wait, before any database work.
      if (spec.auth !== "gate")
        limits = await enforceLimits([
          ["ip", clientIp(req)],
          ["token", spec.auth === "public" ? null : bearerSubject(req)],
        ]);
      const db = spec.database === false ? noDatabase : await getDb();
      const gate = spec.auth === "gate" ? await gateCaller(req) : undefined;
      if (gate && spec.gateLimitInHandler) ticket = limitTicket("gate", gate.gate.id);
      else if (gate) limits = await enforceLimits([["gate", gate.gate.id]]);
      const caller = spec.auth === "public" || spec.auth === "gate" ? undefined : await signedIn(req, db, spec);
      if (caller) {
        // A signed-in session (no bearer token) is limited per user, once it is known.
        const perUser: [PolicyName, string][] = caller.tokenId ? [] : [["token", `user:${caller.id}`]];
        if (spec.limit) perUser.push([spec.limit, caller.id]);
        if (perUser.length) limits = (await enforceLimits(perUser)) ?? limits;
      }
      const params = spec.params ? parseParams(spec.params, (await ctx?.params) ?? {}) : {};
      let lot: Lot | undefined;
      if (typeof spec.auth === "object") {
        if (caller!.role !== "operator") throw new ApiError("forbidden", "Only operators may do this");
        if (spec.auth.lot) {
          const lotId = await spec.auth.lot({ db, params });
          if (!lotId) throw new ApiError("not_found", "Not found");
          lot = (await authorizeLot(db, caller!, lotId, spec.auth.operator)).lot;
        }
      }
      const query = spec.query ? parseQuery(req, spec.query) : undefined;
      const body = spec.body ? await parseBody(req, spec.body) : undefined;
      const input = { req, db, params, query, body, startedAt, caller, gate, limit: ticket } as Parameters<
        typeof handler
      >[0];
      const out = await handler(input);
      if (ticket) {
        await enforceTicket(ticket);
        limits = ticket.result;
      }
      const headers = typeof spec.response.headers === "function" ? spec.response.headers(out) : spec.response.headers;
      res =
        spec.response.status === 204
          ? new Response(null, { status: 204, headers })
          : json(out, spec.response.status ?? 200, headers);
      if (lot && req.method !== "GET") {
        // The answer is the "after": what the operator was told (secrets redacted).
        const action = spec.audit ?? `${req.method} ${new URL(req.url).pathname}`;
        await auditOperatorWrite(db, caller!, {
          organisationId: lot.organisationId,
          action,
          target: { type: "lot", id: lot.id },
          before: lot,
          after: out,
        });
      }
    } catch (err) {
      failure = err;
      // A request the handler refused before counting its limit still counts (and a spent limit answers 429).
      if (ticket && !ticket.counted)
        failure = await enforceTicket(ticket).then(
          () => err,
          (limited: unknown) => limited,
        );
      if (ticket?.result) limits = ticket.result;
      res = errorResponse(undeclared(route as RouteDeclaration, failure) ?? failure);
    }
    res = withLimitHeaders(res, failure, limits);
    // Every gate answer tells the kiosk whether payments can be collected (its red "payments down" band).
    if (spec.auth === "gate") res.headers.set("x-spotkeeper-payments", paymentsStatus());
    return res;
  };
  return Object.assign(run, { route: route as RouteDeclaration });
}

export function isDeclaredRoute(value: unknown): value is DeclaredRoute {
  return (
    typeof value === "function" && "route" in value && typeof (value as DeclaredRoute).route?.operationId === "string"
  );
}

/** No Accept header, or one with a media range covering application/json at q > 0 (RFC 9110 §12.5.1). */
function acceptsJson(req: Request): boolean {
  const accept = req.headers.get("accept");
  if (!accept?.trim()) return true;
  return accept.split(",").some((range) => {
    const [type = "", ...params] = range.split(";").map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    if (q && !(Number(q.slice(2)) > 0)) return false;
    return ["*/*", "application/*", "application/json"].includes(type);
  });
}

/**
 * Under test, an ApiError whose code the declaration does not list (so the document does not
 * either) becomes a 500 naming the gap: the whole suite checks the documented responses.
 */
function undeclared(route: RouteDeclaration, err: unknown): Error | undefined {
  if (process.env.NODE_ENV !== "test" || !isApiError(err) || impliedErrors(route).includes(err.code)) return undefined;
  return new Error(`${route.operationId} answered \`${err.code}\`, which its declaration does not list in \`errors\``);
}

async function gateCaller(req: Request): Promise<GateContext> {
  const secret = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  if (secret && refusedDemoGateSecret(secret))
    throw new ApiError("unauthorized", "Demo gate secrets work only in demo mode");
  return authenticateGate(req, getDb);
}

/** Signed in, from our own pages when by cookie, and with a token scope that covers the operation. */
/** The per-token limit's subject for a request carrying a bearer token: the token's hash, never the token. */
function bearerSubject(req: Request): string | null {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  return token ? `bearer:${hashToken(token).slice(0, 32)}` : null;
}

async function signedIn(req: Request, db: Db, spec: { auth: Auth; scope?: Scope }): Promise<Caller> {
  const { caller, viaCookie } = await resolveCaller(req, db);
  if (!caller) throw new ApiError("unauthorized", "Sign in or send `Authorization: Bearer <token>`");
  if (viaCookie) assertSameOrigin(req);
  const scope = spec.scope ?? (req.method === "GET" ? "read" : typeof spec.auth === "object" ? "operate" : "book");
  if (caller.scopes && !caller.scopes.includes(scope)) {
    throw new ApiError("forbidden", `This token lacks the \`${scope}\` scope`, { required_scope: scope });
  }
  return caller;
}

function parseParams(schema: ParamsSchema, raw: RawParams): Record<string, string> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new ApiError("not_found", r.error.issues[0]?.message ?? "Not found");
  return r.data;
}
