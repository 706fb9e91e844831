import { OpenGateInput } from "@/lib/api/gate-schemas";
import { openGateByHand } from "@/lib/gates/commands";
import { json, parseBody, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// POST /v1/gates/{gateId}/open – open the barrier by hand; logged with the operator's name (operators)
export const POST = withAuth(
  async ({ req, db, caller, params }) => {
    const { reason } = await parseBody(req, OpenGateInput);
    return json(await openGateByHand(db, caller, parseId(params.gateId, "Gate"), reason), 201);
  },
  { operatorOnly: true, lotRole: "attendant", gateParam: "gateId" },
);
