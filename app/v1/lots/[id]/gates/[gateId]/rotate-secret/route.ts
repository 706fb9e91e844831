import { rotateGateSecret } from "@/lib/gates/manage-gates";
import { json, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// POST /v1/lots/{id}/gates/{gateId}/rotate-secret – a new secret for the gate; the old one stops working (operators)
export const POST = withAuth(async ({ db, params }) => json(await rotateGateSecret(db, parseId(params.id, "Lot"), parseId(params.gateId, "Gate"))), {
  operatorOnly: true,
  lotRole: "manager",
});
