import { commandsFor } from "@/lib/gates/commands";
import { json } from "@/lib/http/respond";
import { withGate } from "@/lib/http/with-gate";

// GET /v1/gates/commands – commands waiting for this gate (an operator's "open"); the bridge polls every second or two
export const GET = withGate(async ({ db, gate }) => json({ data: await commandsFor(db, gate), next_cursor: null }, 200, { "cache-control": "no-store" }));
