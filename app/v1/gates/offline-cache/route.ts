import { buildOfflineCache } from "@/lib/gates/offline-cache";
import { json } from "@/lib/http/respond";
import { withGate } from "@/lib/http/with-gate";

// GET /v1/gates/offline-cache – the signed list of plates this gate may let through alone for the next hours
export const GET = withGate(async ({ db, gate }) => json({ token: (await buildOfflineCache(db, gate)).token }, 200, { "cache-control": "no-store" }));
