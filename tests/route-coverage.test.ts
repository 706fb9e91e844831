import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { declaredRoutes } from "@/app/v1/operations";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { isDeclaredRoute, METHODS, type DeclaredRoute } from "@/lib/http/define-route";
import { isWrongMethodHandler } from "@/lib/http/unknown-route";
import { apiRequest, createUser, expectError, routeContext, type TestUser } from "./fixtures";

// Outside a Next.js request there is no session cookie to read: a call without a token has no caller.
vi.mock("@/lib/auth/session", () => ({ getSessionCaller: async () => null }));

// Every /v1 operation is declared with defineRoute, so its auth check, its input parsing and its
// OpenAPI entry come from one place. A route file that exports a hand-written handler, or that
// app/v1/operations.ts does not list (and so the served document does not describe), fails here.

const V1 = path.join(process.cwd(), "app/v1");
const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
// Next.js route segment config: the only other exports a route file may have.
const SEGMENT_CONFIG = new Set([
  "dynamic",
  "dynamicParams",
  "revalidate",
  "fetchCache",
  "runtime",
  "preferredRegion",
  "maxDuration",
]);

// The catch-all answers paths no operation has (404 in the error body, lib/http/unknown-route.ts):
// it is not an operation, so it is the one route file not declared.
const CATCH_ALL = path.join("[...slug]", "route.ts");
const routeFiles = (readdirSync(V1, { recursive: true }) as string[])
  .filter((f) => f.endsWith("route.ts") && f !== CATCH_ALL)
  .sort();
/** app/v1/lots/[id]/route.ts → /v1/lots/{id} */
const pathOf = (file: string) => `/v1/${path.dirname(file)}`.replace(/\[(\w+)\]/g, "{$1}").replace(/\/\.$/, "");

type Handler = { file: string; name: string; handler: unknown };
let exported: Handler[] = [];

beforeAll(async () => {
  exported = (
    await Promise.all(
      routeFiles.map(async (file) => {
        const mod = (await import(/* @vite-ignore */ path.join(V1, file))) as Record<string, unknown>;
        return Object.entries(mod).map(([name, handler]) => ({ file, name, handler }));
      }),
    )
  ).flat();
});

describe("every /v1 route is declared with defineRoute", () => {
  it("finds the route files", () => {
    expect(routeFiles.length).toBeGreaterThan(20);
  });

  it("exports only declared handlers (and segment config), each for its own method and folder", () => {
    const wrong = exported
      .filter(({ name }) => !SEGMENT_CONFIG.has(name))
      .flatMap(({ file, name, handler }) => {
        if (!HTTP_METHODS.has(name)) return [`${file}: unexpected export ${name}`];
        if (isWrongMethodHandler(handler)) return [];
        if (!isDeclaredRoute(handler)) return [`${file}: ${name} is not made by defineRoute`];
        const { method, path: declared } = handler.route;
        if (method !== name) return [`${file}: ${name} declares method ${method}`];
        if (declared !== pathOf(file))
          return [`${file}: ${name} declares path ${declared}, the folder serves ${pathOf(file)}`];
        return [];
      });
    expect(wrong).toEqual([]);
  });

  // With no proxy in front of /v1 (it cost every request ~0.5 ms of CPU), a method a route file does
  // not export would get Next.js' empty 405: each file answers the others itself (otherMethods).
  it("answers every method it does not serve with the error body's 405 (otherMethods)", () => {
    const missing = routeFiles.flatMap((file) => {
      const mine = exported.filter((e) => e.file === file);
      const has = (m: string) => mine.some((e) => e.name === m);
      const served = mine.some((e) => e.name === "GET" && isDeclaredRoute(e.handler));
      // HEAD of a GET is Next.js' own (the GET without its body); OPTIONS is Next.js' Allow list.
      return ["GET", "POST", "PUT", "PATCH", "DELETE", ...(served ? [] : ["HEAD"])]
        .filter((m) => !has(m))
        .map((m) => `${file}: ${m}`);
    });
    expect(missing).toEqual([]);
  });

  it("lists every declared operation in the served document, with a unique operationId", () => {
    const handlers = exported
      .filter(({ handler }) => isDeclaredRoute(handler))
      .map(({ handler }) => (handler as DeclaredRoute).route);
    const doc = buildOpenApiDocument(declaredRoutes()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).map(([m, op]) => `${m.toUpperCase()} ${p} ${op.operationId}`),
    );
    expect(documented.sort()).toEqual(handlers.map((r) => `${r.method} ${r.path} ${r.operationId}`).sort());
    expect(new Set(handlers.map((r) => r.operationId)).size).toBe(handlers.length);
    expect(handlers.every((r) => (METHODS as readonly string[]).includes(r.method))).toBe(true);
  });

  it("scopes every operator operation under /v1/lots/{id} to that lot", () => {
    const unscoped = declaredRoutes()
      .filter((r) => r.path.startsWith("/v1/lots/{id}") && r.auth !== "public")
      .filter((r) => typeof r.auth !== "object" || !r.auth.lot)
      .map((r) => `${r.method} ${r.path}`);
    expect(unscoped).toEqual([]);
  });

  it("names the audit act of every operator write to a lot, in the dashboard's words", () => {
    const writes = declaredRoutes().filter((r) => r.method !== "GET" && typeof r.auth === "object" && r.auth.lot);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((r) => !/^[a-z_]+\.[a-z_]+$/.test(r.audit ?? "")).map((r) => `${r.method} ${r.path}`)).toEqual(
      [],
    );
  });
});

describe("the declared auth is enforced", () => {
  let driver: TestUser;
  beforeAll(async () => {
    driver = await createUser("driver");
  });

  const call = (handler: DeclaredRoute, token?: string) => {
    const { path: p, params, method } = handler.route;
    const values = Object.fromEntries(Object.keys(params?.shape ?? {}).map((k) => [k, randomUUID()]));
    const url = p.replace(/\{(\w+)\}/g, (_, k: string) => values[k]!);
    return handler(apiRequest(method, url, { token, body: method === "GET" ? undefined : {} }), routeContext(values));
  };
  const declared = () => exported.map(({ handler }) => handler).filter(isDeclaredRoute);

  it("answers 401 to a call without credentials on every non-public operation", async () => {
    for (const handler of declared().filter((h) => h.route.auth !== "public")) {
      await expectError(await call(handler), 401, "unauthorized");
    }
  });

  it("answers 403 to a driver on every operator operation, and to a person's token on every gate operation", async () => {
    for (const handler of declared().filter((h) => typeof h.route.auth === "object" || h.route.auth === "gate")) {
      await expectError(await call(handler, driver.token), 403, "forbidden");
    }
  });
});
