import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "@/lib/errors";
import { impliedErrors, TAGS, type RouteDeclaration } from "@/lib/http/define-route";
import "./gate-schemas";
import { ErrorOut } from "./schemas";

// GET /v1/openapi.json: built from the operations' declarations (lib/http/define-route.ts), whose
// zod schemas are the ones the handlers parse with.

type Json = Record<string, unknown>;
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

const SECURITY = {
  public: [],
  person: [{ bearerAuth: [] }, { sessionCookie: [] }],
  gate: [{ gateSecret: [] }],
};

const STATUS_TEXT: Record<number, string> = {
  400: "Malformed request",
  401: "Missing or unknown credentials",
  402: "Payment declined or failed",
  403: "Not allowed for this caller",
  404: "Not found",
  405: "Method not allowed",
  406: "The request's Accept header excludes application/json",
  409: "Conflict with the current state",
  422: "Validation failed",
  425: "Not ready: the read is still being recorded; send it again in a moment",
  429: "Too many requests",
  503: "A service this operation needs is unavailable; retrying is safe",
};

/**
 * A zod schema as JSON Schema inside this document. Registered sub-schemas (those with a meta id)
 * come back as `#/$defs/…` refs into this one conversion; they all live under components.schemas.
 */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return ref(id);
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  delete out.$schema;
  delete out.$defs;
  return JSON.parse(JSON.stringify(out).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const obj = jsonSchema(schema, "input") as { properties: Record<string, Json>; required?: string[] };
  return Object.entries(obj.properties).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === "path" || (obj.required?.includes(name) ?? false),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function errorResponses(codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) byStatus.set(ERROR_STATUS[c], [...(byStatus.get(ERROR_STATUS[c]) ?? []), c]);
  return Object.fromEntries(
    [...byStatus].map(([status, cs]) => [
      String(status),
      {
        description: `${STATUS_TEXT[status] ?? "Error"}: ${cs.map((c) => `\`${c}\``).join(", ")}`,
        content: { "application/json": { schema: ref("Error") } },
      },
    ]),
  );
}

function whoMayCall(route: RouteDeclaration): string {
  if (route.auth === "public") return "Public: no credentials.";
  if (route.auth === "driver") return "Any signed-in caller (API token or session).";
  if (route.auth === "gate") return "A gate device, with its own secret.";
  return `Operators with at least the \`${route.auth.operator}\` role${route.auth.lot ? " in the lot's organisation" : ""}.`;
}

function operation(route: RouteDeclaration) {
  const { response } = route;
  const gate = route.auth === "gate";
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, whoMayCall(route)].filter(Boolean).join("\n\n"),
    security: route.auth === "public" ? SECURITY.public : gate ? SECURITY.gate : SECURITY.person,
    parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
    ...(route.body
      ? {
          requestBody: { required: true, content: { "application/json": { schema: jsonSchema(route.body, "input") } } },
        }
      : {}),
    responses: {
      [String(response.status ?? 200)]: {
        description: response.description,
        ...(gate ? { headers: { "x-spotkeeper-payments": { $ref: "#/components/headers/PaymentsStatus" } } } : {}),
        ...(response.status === 204
          ? {}
          : { content: { "application/json": { schema: jsonSchema(response.schema, "output") } } }),
      },
      ...errorResponses(impliedErrors(route)),
    },
  };
}

/** Schemas a response uses are documented as the server sends them (defaults applied, transforms done). */
function componentSchemas(routes: RouteDeclaration[], paths: Json) {
  const registry = (io: "input" | "output") =>
    (
      z.toJSONSchema(z.globalRegistry, { io, unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` }) as {
        schemas: Record<string, Json>;
      }
    ).schemas;
  const inputs = registry("input");
  const outputs = registry("output");
  const outputIds = new Set(routes.map((r) => z.globalRegistry.get(r.response.schema)?.id).filter(Boolean));
  outputIds.add(z.globalRegistry.get(ErrorOut)!.id);

  // Only what the operations reach: the registry also holds schemas no operation uses.
  const schemas: Record<string, Json> = {};
  const visit = (node: unknown) => {
    for (const [, id] of JSON.stringify(node).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (schemas[id!]) continue;
      const { $schema: _, ...s } = (outputIds.has(id) ? outputs : inputs)[id!]!;
      schemas[id!] = s;
      visit(s);
    }
  };
  visit(paths);
  visit(ref("Error"));
  return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
}

export function buildOpenApiDocument(routes: RouteDeclaration[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
    (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Spotkeeper API",
      version: "1.0.0",
      description:
        "Reserve a parking spot by vehicle type, pay, and drive through automated gates. Times are ISO 8601 in UTC; money is integer minor units with an ISO currency. Errors are `{ error: { code, message, details } }`, `code` one of ErrorCode.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/", description: "The origin serving this document" }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: componentSchemas(routes, paths),
      headers: {
        PaymentsStatus: {
          description:
            "Whether payments can be collected right now (`down` while the processor is not answering): the kiosk's payments band",
          schema: { type: "string", enum: ["up", "down"] },
        },
      },
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "Personal API token" },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description: "The site's next-auth session",
        },
        gateSecret: {
          type: "http",
          scheme: "bearer",
          description: "A gate's own secret (`gk_…`), from POST /v1/lots/{id}/gates",
        },
      },
    },
  };
}
