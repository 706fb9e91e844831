import { GateSelfQuery } from "@/lib/api/gate-schemas";
import { gateSelf } from "@/lib/gates/health";
import { json, parseQuery } from "@/lib/http/respond";
import { withGate } from "@/lib/http/with-gate";

// GET /v1/gates/self – the gate's own record (pairing check) and its heartbeat: queue, cache age, version, relay (gates)
export const GET = withGate(async ({ req, db, gate }) => json(await gateSelf(db, gate, parseQuery(req, GateSelfQuery)), 200, { "cache-control": "no-store" }));
