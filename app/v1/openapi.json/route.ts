import { openApiDocument } from "@/lib/api/openapi";
import { json } from "@/lib/http/respond";

// GET /v1/openapi.json – the API contract, generated from the zod schemas
export const dynamic = "force-static";
export function GET() {
  return json(openApiDocument());
}
