import { z } from "zod";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { defineRoute } from "@/lib/http/define-route";
import { declaredRoutes } from "../operations";
import { otherMethods } from "@/lib/http/unknown-route";

// Built once, at build time, from every operation's declaration (app/v1/operations.ts).
export const dynamic = "force-static";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/openapi.json",
  operationId: "getOpenApiDocument",
  tag: "Meta",
  summary: "This API contract (OpenAPI 3.1), generated from the operations' declarations",
  auth: "public",
  database: false,
  response: { description: "The OpenAPI document", schema: z.object({ openapi: z.string() }).loose() },
  handler: () => buildOpenApiDocument(declaredRoutes()),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
