import { OfflineCacheOut, OfflineCacheQuery } from "@/lib/api/gate-schemas";
import { buildOfflineCache } from "@/lib/gates/offline-cache";
import { defineRoute } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/gates/offline-cache",
  operationId: "getGateOfflineCache",
  tag: "Gates",
  summary:
    "The signed list this gate may decide from on its own: plates, revoked passes, cars inside; with since=<cursor> only what changed",
  auth: "gate",
  query: OfflineCacheQuery,
  response: { description: "The cache", schema: OfflineCacheOut, headers: { "cache-control": "no-store" } },
  errors: ["not_configured"],
  handler: async ({ db, gate, query }) => ({
    token: (await buildOfflineCache(db, gate, { since: query.since ? new Date(query.since) : undefined })).token,
  }),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
