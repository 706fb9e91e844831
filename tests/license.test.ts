import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { declaredRoutes } from "@/app/v1/operations";
import { buildOpenApiDocument } from "@/lib/api/openapi";

const read = (file: string) => readFileSync(path.join(process.cwd(), file), "utf8");

// One licence, said the same way wherever a user or a package tool looks for it.
describe("the licence", () => {
  it("is MIT in LICENSE, both package.json files and the served OpenAPI document", () => {
    expect(read("LICENSE")).toMatch(/^MIT License\n\nCopyright \(c\) 2026 Spotkeeper contributors\n/);
    expect(JSON.parse(read("package.json")).license).toBe("MIT");
    expect(JSON.parse(read("gate-kiosk/package.json")).license).toBe("MIT");
    expect(buildOpenApiDocument(declaredRoutes()).info.license).toMatchObject({ identifier: "MIT" });
  });
});
