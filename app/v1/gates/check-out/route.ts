import { GateReadInput } from "@/lib/api/gate-schemas";
import { checkOutAtGate } from "@/lib/gates/check-out";
import { json, parseBody } from "@/lib/http/respond";
import { withGate } from "@/lib/http/with-gate";

// POST /v1/gates/check-out – an exit gate read a plate or a QR pass: always open, with the charges due
export const POST = withGate(async ({ req, db, gate, startedAt }) => json(await checkOutAtGate(db, gate, await parseBody(req, GateReadInput), startedAt)));
