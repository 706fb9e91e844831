import { OfflineCacheQuery } from "@/lib/api/gate-schemas";
import { buildOfflineCache } from "@/lib/gates/offline-cache";
import { json, parseQuery } from "@/lib/http/respond";
import { withGate } from "@/lib/http/with-gate";

// GET /v1/gates/offline-cache[?since=<cursor>] – the signed list this gate may decide from alone; with since, only what changed
export const GET = withGate(async ({ req, db, gate }) => {
  const { since } = parseQuery(req, OfflineCacheQuery);
  return json({ token: (await buildOfflineCache(db, gate, { since: since ? new Date(since) : undefined })).token }, 200, { "cache-control": "no-store" });
});
