import { z } from "zod";
import { CommandAckOut } from "@/lib/api/gate-schemas";
import { ackCommand } from "@/lib/gates/commands";
import { defineRoute, pathId } from "@/lib/http/define-route";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/gates/commands/{commandId}/ack",
  operationId: "ackGateCommand",
  tag: "Gates",
  summary: "Acknowledge a command once carried out",
  auth: "gate",
  params: z.object({ commandId: pathId("Command") }),
  response: { description: "Acknowledged", schema: CommandAckOut },
  handler: ({ db, gate, params }) => ackCommand(db, gate, params.commandId),
});
