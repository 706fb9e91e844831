// Runs after every `npm install` (package.json "postinstall"): mends postgres.js in node_modules
// until a release carries the fix. Idempotent; changes nothing when the text it mends is gone.
//
// postgres.js 3.4.9 keeps a connection's per-query parse state (the last ErrorResponse, the row
// count and result of the query being read) across a reconnect: its close handler resets the input
// buffer but not those. When a backend dies mid-query (pg_terminate_backend, a failover, a crash),
// PostgreSQL sends a FATAL ErrorResponse and closes; the query in flight fails with
// CONNECTION_CLOSED, and then, on the new connection:
//   - the first query is refused with the old backend's error (57P01) without having been sent;
//   - if rows had arrived before the close, the next query's rows land after that many empty
//     slots: `select 1` answers [null, null, {…}] — wrong data, not an error.
// tests/db-pool.test.ts kills a backend mid-result and checks both. The same reset is proposed
// upstream (porsager/postgres#1215).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const MARK = "spotkeeper: reset the query state";
const ANCHOR = `  async function closed(hadError) {
    incoming = Buffer.alloc(0)
    remaining = 0
    incomings = null
`;
const RESET = `    // ${MARK} of the closed connection (scripts/patch-postgres.mjs)
    errorResponse = null
    result = new Result()
    results = null
    rows = 0
`;

let root;
try {
  root = path.dirname(createRequire(import.meta.url).resolve("postgres")); // …/postgres/cjs/src
} catch {
  process.exit(0); // not installed (yet): nothing to mend
}
const isPackageRoot = (dir) =>
  existsSync(path.join(dir, "package.json")) &&
  JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).name === "postgres";
while (!isPackageRoot(root)) root = path.dirname(root);
for (const dir of ["src", "cjs/src", "cf/src"]) {
  const file = path.join(root, dir, "connection.js");
  if (!existsSync(file)) continue;
  const text = readFileSync(file, "utf8");
  if (text.includes(MARK)) continue;
  if (!text.includes(ANCHOR)) {
    console.warn(`[patch-postgres] ${file}: its close handler has changed; check whether the reset is still needed`);
    continue;
  }
  writeFileSync(file, text.replace(ANCHOR, ANCHOR + RESET));
}
