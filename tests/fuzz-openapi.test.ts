import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { declaredRoutes } from "@/app/v1/operations";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { paidBooking } from "./support/driver-api";
import { createGate, useQrSigningKey, type GateJson } from "./support/gates";
import { serveRoutes, type Route } from "./support/http-server";
import { useFakeStripe } from "./support/use-fake-stripe";

// Walks every operation of the served OpenAPI document with hostile values in every parameter and
// body field, over real HTTP, and asserts what a hostile client must always get: never a 5xx, and
// the error body on every 4xx. Payments and QR passes are configured (the fake Stripe, a signing
// key), so a 503 could only be a fault. Each operation is walked with the credentials it takes,
// and again without any, with a malformed token and with the wrong kind (a gate's secret on a
// person's operation, a driver's token on an operator's or a gate's), which must all be refused.
//
// next-auth's getServerSession reads the session cookie through Next.js' request scope, which this
// plain HTTP harness does not provide; it answers here what it answers a request without a session
// cookie: no session. Everything from the Authorization header on runs for real.
vi.mock("next-auth", async (original) => ({
  ...(await original<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));
useFakeStripe();
useQrSigningKey();

const ROOT = path.resolve(__dirname, "..");

/** Every app/v1 route file as Next.js would route it: static segments before dynamic, catch-all last. */
async function v1Routes(): Promise<Route[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name === "route.ts") files.push(path.relative(path.join(ROOT, "app"), dir));
    }
  };
  walk(path.join(ROOT, "app/v1"));
  const rank = (f: string) => (f.includes("[...") ? 1000 : 0) + (f.match(/\[/g)?.length ?? 0);
  files.sort((a, b) => rank(a) - rank(b));
  const routes: Route[] = [];
  for (const dir of files) {
    const mod = (await import(path.join(ROOT, "app", dir, "route.ts"))) as Record<string, unknown>;
    const source =
      "^/" +
      dir
        .split(path.sep)
        .map((seg) =>
          seg.startsWith("[...")
            ? "(?<slug>.+)"
            : seg.startsWith("[")
              ? `(?<${seg.slice(1, -1)}>[^/]+)`
              : seg.replace(/\./g, "\\."),
        )
        .join("/") +
      "/?$";
    const pattern = new RegExp(source);
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      const handler = mod[method] as Route["handler"] | undefined;
      // Next.js answers a method the file does not export with an empty 405 (the coverage test
      // makes every file export all of them).
      routes.push({ method, pattern, handler: handler ?? (async () => new Response(null, { status: 405 })) });
    }
  }
  return routes;
}

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  default?: unknown;
};
type Op = {
  operationId: string;
  parameters?: { name: string; in: string; schema: Schema }[];
  requestBody?: { content: { "application/json": { schema: Schema } } };
};

const HOSTILE: unknown[] = [
  "",
  "\u0000",
  "a\u0000b",
  "\u001b[31m\u0007\u007f",
  "x".repeat(20_000),
  "' OR 1=1; DROP TABLE reservations; --",
  "<script>alert(1)</script>",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ \u202e\ufeff\ud800",
  "../../../etc/passwd",
  "0000-01-01T00:00:00+14:00",
  "9999-12-31T23:59:59-14:00",
  "2025-02-30T25:61:00Z",
  "00000000-0000-0000-0000-000000000000",
  -1,
  0,
  1e308,
  -2147483649,
  3.5,
  true,
  null,
  [],
  { $gt: "" },
];
const PER_FIELD = 6;
const RAW_BODIES = [
  "not json",
  "[]",
  "null",
  "{",
  '"x"',
  "[".repeat(5000) + "]".repeat(5000),
  JSON.stringify({ a: "x".repeat(1_000_000) }),
];

/** A path segment, including a lone surrogate sent as the raw (invalid UTF-8) bytes a hostile client would. */
const encodeSegment = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return "%ED%A0%80";
  }
};

let server: Awaited<ReturnType<typeof serveRoutes>>;
let operator: TestUser;
let driver: TestUser;
let ids: Record<string, string>;
let gate: GateJson;

beforeAll(async () => {
  operator = await createUser("operator");
  driver = await createUser("driver");
  const lot = await createTestLot({ counts: { compact: 2 } });
  const r = await paidBooking(driver, lot.id, at(3, 9), at(3, 11));
  gate = await createGate(operator, lot.id, "entry");
  ids = { lot: lot.id, reservation: r.reservation_id, gate: gate.gate_id };
  server = await serveRoutes(await v1Routes());
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const resolve = (doc: { components: { schemas: Record<string, Schema> } }, s: Schema | undefined): Schema => {
  if (!s) return {};
  if (s.$ref) return resolve(doc, doc.components.schemas[s.$ref.split("/").pop()!]);
  return s;
};

function plausible(doc: Parameters<typeof resolve>[0], name: string, raw: Schema): unknown {
  const s = resolve(doc, raw);
  if (s.enum) return s.enum[0];
  if (s.format === "uuid")
    return name.includes("lot")
      ? ids.lot
      : name.includes("reservation")
        ? ids.reservation
        : name.includes("gate")
          ? ids.gate
          : ids.lot;
  if (s.format === "date-time") return (name.includes("end") || name === "to" ? at(3, 12) : at(3, 8)).toISOString();
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === "integer" || type === "number") return 1;
  if (type === "boolean") return true;
  if (type === "array") return [];
  if (type === "object") return {};
  if (s.anyOf || s.oneOf) return plausible(doc, name, (s.anyOf ?? s.oneOf)![0]!);
  return "x";
}

function bodyFields(doc: Parameters<typeof resolve>[0], raw: Schema | undefined): Record<string, Schema> {
  const s = resolve(doc, raw);
  const out: Record<string, Schema> = { ...(s.properties ?? {}) };
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) Object.assign(out, resolve(doc, alt).properties ?? {});
  return out;
}

describe("every operation of the served OpenAPI document, with hostile input", () => {
  it("never answers 5xx, and answers every 4xx with the error body", async () => {
    const started = Date.now();
    const docRes = await fetch(`${server.url}/v1/openapi.json`);
    expect(docRes.status).toBe(200);
    const doc = (await docRes.json()) as {
      paths: Record<string, Record<string, Op>>;
      components: { schemas: Record<string, Schema> };
    };
    const failures: string[] = [];
    let sent = 0;

    /** `refuse`: the credentials do not fit the operation, so nothing may succeed. */
    const send = async (method: string, url: string, token: string | null, body?: string, refuse = false) => {
      sent++;
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(url, { method, headers, body });
      const text = await res.text();
      const what = `${method} ${url.slice(server.url.length, server.url.length + 160)} ${body?.slice(0, 80) ?? ""} → ${res.status}`;
      if (res.status >= 500) failures.push(`${what} ${text.slice(0, 300)}`);
      else if (refuse && res.status < 400)
        failures.push(`${what} accepted with credentials that do not fit (${token ?? "none"})`);
      else if (res.status >= 400) {
        let parsed: { error?: { code?: unknown; message?: unknown } } | undefined;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* reported below */
        }
        if (typeof parsed?.error?.code !== "string" || typeof parsed.error.message !== "string")
          failures.push(`${what} without the error body: ${text.slice(0, 200)}`);
      }
    };

    // Each field gets a rotating slice of the hostile values (all of them are used across the
    // fields), always with NUL and the calendar's edges: bounded time, full coverage of the kinds.
    let rotation = 0;
    const valuesFor = (perField: number) => {
      const start = (rotation++ * perField) % HOSTILE.length;
      const slice = Array.from({ length: perField }, (_, k) => HOSTILE[(start + k) % HOSTILE.length]);
      return [...new Set(["\u0000", "0000-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", ...slice])];
    };
    const authOf = new Map(declaredRoutes().map((r) => [r.operationId, r.auth]));
    /**
     * The credentials an operation takes (the booking's driver for a person's operation, so the walk
     * reaches past ownership checks), and those it must refuse: none, a malformed token, the wrong kind.
     */
    const credentials = (operationId: string) => {
      const auth = authOf.get(operationId);
      expect(auth, `${operationId} is not declared`).toBeDefined();
      const garbage = "sk_not_a_token<script>";
      if (auth === "public") return { fits: operator.token, refused: [] };
      if (auth === "gate") return { fits: gate.secret, refused: [null, garbage, driver.token, operator.token] };
      if (auth === "driver") return { fits: driver.token, refused: [null, garbage, gate.secret] };
      return { fits: operator.token, refused: [null, garbage, gate.secret, driver.token] };
    };
    const operations = Object.entries(doc.paths).flatMap(([template, ops]) =>
      Object.entries(ops).map(([m, op]) => ({ template, ops, m, op })),
    );
    const walk = async ({ template, ops, m, op }: (typeof operations)[number]) => {
      const opStarted = Date.now();
      const { fits, refused } = credentials(op.operationId);
      // Fitting credentials get the whole walk; each refused kind a lighter one (the same shapes,
      // fewer values per field): refusing must come before anything hostile input could break.
      await walkAs({ template, ops, m, op }, fits, PER_FIELD, false);
      for (const token of refused) await walkAs({ template, ops, m, op }, token, 1, true);
      // A public operation: anonymous, and with a gate's secret it does not ask for.
      if (refused.length === 0)
        for (const token of [null, gate.secret]) await walkAs({ template, ops, m, op }, token, 1, false);
      if (process.env.FUZZ_TIMING) console.log(`${m.toUpperCase()} ${template} ${Date.now() - opStarted} ms`);
    };
    const walkAs = async (
      { template, ops, m, op }: (typeof operations)[number],
      token: string | null,
      perField: number,
      refuse: boolean,
    ) => {
      {
        const method = m.toUpperCase();
        const params = op.parameters ?? [];
        const fields = bodyFields(doc, op.requestBody?.content["application/json"].schema);
        const build = (override?: { kind: "path" | "query" | "body"; name: string; value: unknown }) => {
          let p = template;
          for (const prm of params.filter((x) => x.in === "path")) {
            const v =
              override?.kind === "path" && override.name === prm.name
                ? override.value
                : plausible(
                    doc,
                    prm.name === "id" ? (template.startsWith("/v1/lots") ? "lot" : "reservation") : prm.name,
                    prm.schema,
                  );
            p = p.replace(`{${prm.name}}`, encodeSegment(typeof v === "string" ? v : JSON.stringify(v)));
          }
          const q = new URLSearchParams();
          for (const prm of params.filter((x) => x.in === "query")) {
            const v =
              override?.kind === "query" && override.name === prm.name
                ? override.value
                : plausible(doc, prm.name, prm.schema);
            q.set(prm.name, typeof v === "string" ? v : JSON.stringify(v));
          }
          const body = op.requestBody
            ? JSON.stringify(
                Object.fromEntries(
                  Object.entries(fields).map(([k, s]) => [
                    k,
                    override?.kind === "body" && override.name === k ? override.value : plausible(doc, k, s),
                  ]),
                ),
              )
            : undefined;
          return { url: `${server.url}${p}${q.size ? `?${q}` : ""}`, body };
        };
        const base = build();
        await send(method, base.url, token, base.body, refuse);
        for (const prm of params) {
          for (const raw of valuesFor(perField)) {
            // Node's HTTP parser (Next.js' too) answers 431 before any app code to a request head
            // over 16 KB: in the URL, "huge" is 4 000 characters; bodies get the 20 000.
            const value = typeof raw === "string" && raw.length > 4000 ? raw.slice(0, 4000) : raw;
            const { url, body } = build({ kind: prm.in as "path" | "query", name: prm.name, value });
            await send(method, url, token, body, refuse);
          }
        }
        for (const name of Object.keys(fields)) {
          for (const value of valuesFor(perField)) {
            const { url, body } = build({ kind: "body", name, value });
            await send(method, url, token, body, refuse);
          }
        }
        if (op.requestBody) for (const raw of RAW_BODIES) await send(method, base.url, token, raw, refuse);
        // A method the path does not take.
        const other = ["GET", "POST", "PUT", "PATCH", "DELETE"].find(
          (x) =>
            !Object.keys(ops)
              .map((k) => k.toUpperCase())
              .includes(x),
        )!;
        await send(other, base.url, token, op.requestBody && other !== "GET" ? base.body : undefined, refuse);
      }
    };
    // A few operations at a time, as several clients would.
    const queue = [...operations];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await walk(next);
      }),
    );
    for (const p of ["/v1/nope", "/v1/lots/x/y/z/w", "/v1/%00", "/v1/lots/%E0%A4%A"])
      await send("GET", `${server.url}${p}`, operator.token);

    expect(failures, failures.slice(0, 30).join("\n")).toEqual([]);
    expect(sent).toBeGreaterThan(2000);
    if (process.env.FUZZ_TIMING) console.log(`${sent} requests in ${Date.now() - started} ms`);
  }, 240_000);
});
