import { z } from "zod";
import { findGate } from "@/db/queries/gates";
import { GateCommandOut } from "@/lib/api/gate-schemas";
import { commandStatus } from "@/lib/gates/commands";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/gates/{gateId}/commands/{commandId}",
  operationId: "getGateCommand",
  tag: "Gates",
  summary: "A remote open: acknowledged, executed or failed",
  auth: { operator: "attendant", lot: async ({ db, params }) => (await findGate(db, params.gateId))?.lotId ?? null },
  params: z.object({ gateId: pathId("Gate"), commandId: pathId("Command") }),
  response: { description: "The command", schema: GateCommandOut },
  handler: ({ db, params }) => commandStatus(db, params.gateId, params.commandId),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
