import type { z } from "zod";
import { JwksOut } from "@/lib/api/gate-schemas";
import { publicJwks } from "@/lib/gates/signing-key";
import { defineRoute } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

// The key comes from the environment (or the demo's .data/) at run time, never from the build.
export const dynamic = "force-dynamic";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/gates/keys",
  operationId: "getGateKeys",
  tag: "Gates",
  summary: "The public keys (JWKS) that verify QR passes and offline caches",
  auth: "public",
  database: false,
  response: { description: "JWKS", schema: JwksOut, headers: { "cache-control": "public, max-age=300" } },
  errors: ["not_configured"],
  // Ed25519 public JWKs always carry these members; jose types every member as optional.
  handler: async () => (await publicJwks()) as z.input<typeof JwksOut>,
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
