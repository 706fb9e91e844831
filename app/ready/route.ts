import { readiness } from "@/lib/health/readiness";
import { json } from "@/lib/http/respond";

// GET /ready – readiness: PostgreSQL, Redis and payments; 503 while PostgreSQL is unreachable
export const dynamic = "force-dynamic";
export async function GET() {
  const { ready, body } = await readiness();
  return json(
    body,
    ready ? 200 : 503,
    ready ? { "cache-control": "no-store" } : { "cache-control": "no-store", "retry-after": "5" },
  );
}
