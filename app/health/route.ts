import { database } from "@/lib/health/readiness";
import { json } from "@/lib/http/respond";

// GET /health – liveness: the process is up and serving, so always 200 — a PostgreSQL outage must
// not get healthy instances restarted (GET /ready takes them out of rotation instead). It still says
// whether PostgreSQL answers (a bounded probe, which also connects a server started while it was
// down), so whoever looks at a live but useless server sees why.
export const dynamic = "force-dynamic";
export async function GET() {
  const db = await database();
  return json(
    { status: db === "up" ? "ok" : "degraded", database: db, uptime_seconds: Math.round(process.uptime()) },
    200,
    { "cache-control": "no-store" },
  );
}
