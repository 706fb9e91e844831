import { ackCommand, parseAck } from "@/lib/gates/commands";
import { json, parseId } from "@/lib/http/respond";
import { withGate } from "@/lib/http/with-gate";

// POST /v1/gates/commands/{commandId}/ack – the gate carried the command out (`executed`) or could not (`failed`)
export const POST = withGate(async ({ req, db, gate, params }) => json(await ackCommand(db, gate, parseId(params.commandId, "Command"), parseAck(await req.text()))));
