import { OfflineCacheOut } from "@/lib/api/gate-schemas";
import { buildOfflineCache } from "@/lib/gates/offline-cache";
import { defineRoute } from "@/lib/http/define-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/gates/offline-cache",
  operationId: "getGateOfflineCache",
  tag: "Gates",
  summary: "The signed list of plates this gate may let through on its own for the next hours",
  auth: "gate",
  response: { description: "The cache", schema: OfflineCacheOut, headers: { "cache-control": "no-store" } },
  errors: ["not_configured"],
  handler: async ({ db, gate }) => ({ token: (await buildOfflineCache(db, gate)).token }),
});
