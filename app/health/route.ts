import { json } from "@/lib/http/respond";

// GET /health – liveness: the process is up and serving. Checks no dependency on purpose (a
// database outage must not get healthy instances restarted); GET /ready reports those.
export const dynamic = "force-dynamic";
export function GET() {
  return json({ status: "ok", uptime_seconds: Math.round(process.uptime()) }, 200, { "cache-control": "no-store" });
}
