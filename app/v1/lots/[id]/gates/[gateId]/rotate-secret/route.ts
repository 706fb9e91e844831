import { z } from "zod";
import { GateSecretOut } from "@/lib/api/gate-schemas";
import { rotateGateSecret } from "@/lib/gates/manage-gates";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/lots/{id}/gates/{gateId}/rotate-secret",
  operationId: "rotateGateSecret",
  audit: "gate.secret_rotated",
  tag: "Gates",
  summary: "Replace a gate's secret; the old one stops working",
  auth: { operator: "manager", lot: ({ params }) => params.id },
  params: z.object({ id: pathId("Lot"), gateId: pathId("Gate") }),
  response: { description: "The new secret, shown this once", schema: GateSecretOut },
  handler: ({ db, params }) => rotateGateSecret(db, params.id, params.gateId),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods();
