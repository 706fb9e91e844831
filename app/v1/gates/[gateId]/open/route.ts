import { z } from "zod";
import { findGate } from "@/db/queries/gates";
import { GateCommandOut, OpenGateInput } from "@/lib/api/gate-schemas";
import { openGateByHand } from "@/lib/gates/commands";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/gates/{gateId}/open",
  operationId: "openGate",
  audit: "gate.opened_by_hand",
  tag: "Gates",
  summary: "Open a barrier by hand; logged with the operator's name",
  auth: { operator: "attendant", lot: async ({ db, params }) => (await findGate(db, params.gateId))?.lotId ?? null },
  params: z.object({ gateId: pathId("Gate") }),
  body: OpenGateInput,
  response: { status: 201, description: "Command queued for the gate", schema: GateCommandOut },
  handler: ({ db, caller, params, body }) => openGateByHand(db, caller, params.gateId, body.reason),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods();
