import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { declaredRoutes } from "@/app/v1/operations";
import { GET as listLots } from "@/app/v1/lots/route";
import { generateClientSchema, OPERATIONS_FILE, operationsIndex } from "@/lib/api/client/generate";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { apiRequest, expectError, routeContext } from "./fixtures";

describe("the typed client", () => {
  it("is generated from the current document (run `npm run gen:client` after changing a declaration)", async () => {
    const committed = readFileSync(path.join(process.cwd(), "lib/api/client/schema.d.ts"), "utf8");
    expect(await generateClientSchema(buildOpenApiDocument(declaredRoutes()))).toBe(committed);
    expect(operationsIndex(buildOpenApiDocument(declaredRoutes()))).toBe(
      readFileSync(path.join(process.cwd(), OPERATIONS_FILE), "utf8"),
    );
  });
});

describe("the published error codes", () => {
  it("lists every code in components.schemas.ErrorCode, which the error body's code refers to", () => {
    const doc = buildOpenApiDocument(declaredRoutes()) as unknown as {
      components: {
        schemas: Record<
          string,
          { enum?: string[]; properties?: Record<string, { properties?: Record<string, unknown> }> }
        >;
      };
    };
    expect(doc.components.schemas.ErrorCode!.enum).toEqual(
      expect.arrayContaining(["not_found", "no_spot_available", "payment_declined", "validation_failed"]),
    );
    expect(doc.components.schemas.Error!.properties!.error!.properties!.code).toEqual({
      $ref: "#/components/schemas/ErrorCode",
    });
  });

  it("answers 406 not_acceptable to a client that does not accept JSON, and JSON to one that accepts anything", async () => {
    const ask = (accept: string) => listLots(apiRequest("GET", "/v1/lots", { headers: { accept } }), routeContext());
    await expectError(await ask("text/html"), 406, "not_acceptable");
    await expectError(await ask("application/json;q=0"), 406, "not_acceptable");
    expect((await ask("text/html,application/xhtml+xml,*/*;q=0.8")).status).toBe(200);
    expect((await ask("application/json")).status).toBe(200);
  });
});
