import { ackCommand } from "@/lib/gates/commands";
import { json, parseId } from "@/lib/http/respond";
import { withGate } from "@/lib/http/with-gate";

// POST /v1/gates/commands/{commandId}/ack – the gate carried the command out
export const POST = withGate(async ({ db, gate, params }) => json(await ackCommand(db, gate, parseId(params.commandId, "Command"))));
