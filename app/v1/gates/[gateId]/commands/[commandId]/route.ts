import { commandStatus } from "@/lib/gates/commands";
import { json, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// GET /v1/gates/{gateId}/commands/{commandId} – an "open" command: acknowledged, executed or failed (operators)
export const GET = withAuth(
  async ({ db, params }) => json(await commandStatus(db, parseId(params.gateId, "Gate"), parseId(params.commandId, "Command"))),
  { operatorOnly: true },
);
