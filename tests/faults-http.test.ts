import { describe, expect, it } from "vitest";
import { GET as health } from "@/app/health/route";
import { GET as ready } from "@/app/ready/route";
import * as catchAll from "@/app/v1/[...slug]/route";
import { getRedis } from "@/lib/redis";
import * as quotes from "@/app/v1/quotes/route";
import * as reservation from "@/app/v1/reservations/[id]/route";
import { expectError } from "./fixtures";

const req = (method: string, path: string) => new Request(`http://spotkeeper.test${path}`, { method });

describe("GET /health and GET /ready", () => {
  it("answers liveness, with whether PostgreSQL answers", async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: "up" });
  });

  it("reports PostgreSQL, Redis and payments, ready while PostgreSQL answers", async () => {
    const res = await ready();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, string> };
    expect(body.checks).toMatchObject({ database: "up", redis: getRedis() ? "up" : "not_configured" });
    expect(["up", "down", "not_configured"]).toContain(body.checks.payments);
  });
});

describe("unknown routes and wrong methods under /v1", () => {
  it.each(["GET", "POST", "PUT", "PATCH", "DELETE"] as const)(
    "answers %s on an unknown path 404 with the error body",
    async (method) => {
      const res = await catchAll[method](req(method, "/v1/no/such/thing"));
      await expectError(res, 404, "not_found");
    },
  );

  it("answers a wrong method on a known path 405 with Allow and the error body", async () => {
    const res = quotes.DELETE(req("DELETE", "/v1/quotes"));
    expect(res.headers.get("allow")).toContain("GET");
    await expectError(res, 405, "method_not_allowed");
    const onId = reservation.POST(req("POST", "/v1/reservations/3f1c7a7e-1111-4222-8333-444455556666"));
    expect(onId.headers.get("allow")).toContain("GET");
    await expectError(onId, 405, "method_not_allowed");
  });
});
