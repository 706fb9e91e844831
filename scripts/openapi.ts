import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { declaredRoutes } from "@/app/v1/operations";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { generateClientSchema, OPERATIONS_FILE, operationsIndex } from "@/lib/api/client/generate";

// The document GET /v1/openapi.json serves, built from the declarations without a server:
//   tsx --conditions=react-server scripts/openapi.ts lint          (npm run lint:openapi)
//   tsx --conditions=react-server scripts/openapi.ts client <file> (npm run gen:client)
//   tsx --conditions=react-server scripts/openapi.ts document <file>

const [what, file] = process.argv.slice(2);
const doc = buildOpenApiDocument(declaredRoutes());

if (what === "document" && file) {
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
} else if (what === "client" && file) {
  writeFileSync(file, await generateClientSchema(doc));
  writeFileSync(OPERATIONS_FILE, operationsIndex(doc));
  console.log(`wrote ${file} and ${OPERATIONS_FILE}`);
} else if (what === "lint") {
  process.exit(lint());
} else {
  console.error("usage: scripts/openapi.ts lint | client <file> | document <file>");
  process.exit(2);
}

/** redocly's recommended rules (redocly.yaml); a warning fails too, since consumers see those as well. */
function lint(): number {
  const target = path.join(mkdtempSync(path.join(tmpdir(), "spotkeeper-openapi-")), "openapi.json");
  writeFileSync(target, JSON.stringify(doc, null, 2));
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
  const redocly = (format: string) =>
    spawnSync(
      path.join("node_modules", ".bin", "redocly"),
      ["lint", "--config", "redocly.yaml", `--format=${format}`, target],
      { env, encoding: "utf8" },
    );
  const run = redocly("json");
  const totals = (JSON.parse(run.stdout || "{}") as { totals?: { errors: number; warnings: number } }).totals;
  if (run.status === 0 && totals && totals.errors + totals.warnings === 0) {
    console.log("openapi: the document passes redocly lint (recommended) with no errors or warnings");
    return 0;
  }
  const shown = redocly("stylish");
  process.stderr.write(shown.stdout + shown.stderr);
  console.error(`openapi: redocly lint found ${totals?.errors ?? "?"} errors and ${totals?.warnings ?? "?"} warnings`);
  return 1;
}
// Route modules open nothing at import, but a lazily created client could keep the loop alive.
process.exit(0);
