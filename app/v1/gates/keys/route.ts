import { publicJwks } from "@/lib/gates/signing-key";
import { errorResponse, json } from "@/lib/http/respond";

// The key comes from the environment (or the demo's .data/) at run time, never from the build.
export const dynamic = "force-dynamic";

// GET /v1/gates/keys – the public keys (JWKS) that verify QR passes and offline caches (public)
export async function GET() {
  try {
    return json(await publicJwks(), 200, { "cache-control": "public, max-age=300" });
  } catch (err) {
    return errorResponse(err);
  }
}
