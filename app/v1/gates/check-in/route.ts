import { GateReadInput } from "@/lib/api/gate-schemas";
import { checkInAtGate } from "@/lib/gates/check-in";
import { json, parseBody } from "@/lib/http/respond";
import { withGate } from "@/lib/http/with-gate";

// POST /v1/gates/check-in – an entry gate read a plate or a QR pass: open, deny or ask for the QR pass
export const POST = withGate(async ({ req, db, gate, startedAt }) => json(await checkInAtGate(db, gate, await parseBody(req, GateReadInput), startedAt)));
