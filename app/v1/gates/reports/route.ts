import { BarrierReportInput } from "@/lib/api/gate-schemas";
import { applyBarrierReport } from "@/lib/gates/reports";
import { json, parseBody } from "@/lib/http/respond";
import { withGate } from "@/lib/http/with-gate";

// POST /v1/gates/reports – what the barrier actually did for a read answered live; the records follow it (gates)
export const POST = withGate(async ({ req, db, gate }) => json(await applyBarrierReport(db, gate, await parseBody(req, BarrierReportInput))));
