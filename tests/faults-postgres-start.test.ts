import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "@/db/embedded";
import { apps, startApp, type App } from "./support/app-children";

// A server started while PostgreSQL is down (a host rebooting before its database, a failover) starts
// anyway, says so in /health, answers 503 from /ready and the API, and connects — migrating as at
// start-up — once PostgreSQL is there; then a PostgreSQL that goes away is reported again. The
// PostgreSQL here is one of this test's own, on the faults port range, never the shared one.
const PG_PORT = 3661;
const pgUrl = `postgres://postgres:postgres@127.0.0.1:${PG_PORT}/spotkeeper`;
let app: App;
let pg: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;

afterAll(async () => {
  await Promise.all(apps.map((a) => a.kill()));
  await pg?.stop();
});

async function until<T>(what: string, fn: () => Promise<T | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const get = async (url: string) => {
  const res = await fetch(url);
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    body: (await res.json()) as Record<string, unknown>,
  };
};

describe("a server started while PostgreSQL is down", () => {
  it("serves, reports the database down, and connects when PostgreSQL returns", { timeout: 120_000 }, async () => {
    app = await startApp({ DATABASE_URL: pgUrl }, "server-process.ts");
    const base = app.url;

    const health = await get(`${base}/health`);
    expect(health).toMatchObject({ status: 200, body: { status: "degraded", database: "down" } });
    const ready = await get(`${base}/ready`);
    expect(ready).toMatchObject({
      status: 503,
      retryAfter: "5",
      body: { status: "unavailable", checks: { database: "down" } },
    });
    const lots = await get(`${base}/v1/lots`);
    expect(lots).toMatchObject({ status: 503, body: { error: { code: "unavailable", details: { retryable: true } } } });
    expect(lots.retryAfter).toMatch(/^\d+$/);

    // PostgreSQL comes up (an empty cluster: the server migrates it when it connects).
    pg = await startEmbeddedPostgres({
      dir: path.join(os.tmpdir(), `spotkeeper-faults-pg-${randomBytes(4).toString("hex")}`),
      port: PG_PORT,
      persistent: false,
    });
    await until("/health to see PostgreSQL", async () => {
      const h = await get(`${base}/health`);
      return h.body.database === "up" && h;
    });
    expect(await get(`${base}/health`)).toMatchObject({ status: 200, body: { status: "ok", database: "up" } });
    expect(await get(`${base}/ready`)).toMatchObject({ status: 200, body: { checks: { database: "up" } } });
    expect(await get(`${base}/v1/lots`)).toMatchObject({ status: 200, body: { data: [] } });

    // PostgreSQL goes away again: still live, reported down, the API 503s.
    await pg.stop();
    pg = undefined;
    expect(await get(`${base}/health`)).toMatchObject({ status: 200, body: { database: "down" } });
    expect(await get(`${base}/ready`)).toMatchObject({ status: 503 });
    expect(await get(`${base}/v1/lots`)).toMatchObject({ status: 503, body: { error: { code: "unavailable" } } });
    expect(app.child.exitCode).toBeNull();
  });
});
