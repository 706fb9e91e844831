import operations from "@/lib/api/client/operations.json";
import { json } from "./respond";

/**
 * Unknown paths and wrong methods under /v1 answer the error body like every other failure, not
 * Next.js' HTML 404 page or its empty 405. The operations are the OpenAPI document's, indexed by
 * `npm run gen:client` (lib/api/client/operations.json, checked for staleness by a test).
 */
type Template = { pattern: RegExp; methods: string[] };
let templates: Template[] | undefined;

function routeTemplates(): Template[] {
  templates ??= Object.entries(operations as Record<string, string[]>).map(([path, methods]) => ({
    pattern: new RegExp(`^${path.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}/?$`),
    methods,
  }));
  return templates;
}

/** The methods /v1 serves at this path, or null when no operation has this path. */
export function allowedMethods(pathname: string): string[] | null {
  const t = routeTemplates().find((t) => t.pattern.test(pathname));
  if (!t) return null;
  const methods = new Set([...t.methods, "OPTIONS"]);
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods];
}

/** 405 with Allow for a method the path's operations do not take; null when it takes it (or is unknown). */
export function wrongMethodResponse(req: Request): Response | null {
  const { pathname } = new URL(req.url);
  const allowed = allowedMethods(pathname);
  if (!allowed || allowed.includes(req.method)) return null;
  return json(
    {
      error: {
        code: "method_not_allowed",
        message: `${req.method} is not supported on ${pathname}`,
        details: { allow: allowed },
      },
    },
    405,
    { allow: allowed.join(", ") },
  );
}

const ROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof ROUTE_METHODS)[number];
type WrongMethod = ((req: Request) => Response) & { readonly wrongMethod: true };

/**
 * The handlers a route file exports for the methods it does not serve (`export const { PUT, DELETE }
 * = otherMethods();`): 405 with Allow and the error body, where Next.js would answer an empty 405.
 * Done in each route file rather than in a proxy, because a proxy runs on every /v1 request — about
 * half a millisecond of CPU each, more than a gate read's own work (docs/scaling.md).
 * tests/route-coverage.test.ts fails for a route file that leaves a method to Next.js.
 */
export function otherMethods(): Record<RouteMethod, WrongMethod> {
  const handler = Object.assign((req: Request) => unknownRouteResponse(req), { wrongMethod: true as const });
  return Object.fromEntries(ROUTE_METHODS.map((m) => [m, handler])) as Record<RouteMethod, WrongMethod>;
}

export const isWrongMethodHandler = (value: unknown): value is WrongMethod =>
  typeof value === "function" && (value as Partial<WrongMethod>).wrongMethod === true;

/** The answer for a request no /v1 handler takes: 405 for a known path, else 404. */
export function unknownRouteResponse(req: Request): Response {
  const { pathname } = new URL(req.url);
  return (
    wrongMethodResponse(req) ??
    json({ error: { code: "not_found", message: `No API operation at ${pathname}`, details: { path: pathname } } }, 404)
  );
}
