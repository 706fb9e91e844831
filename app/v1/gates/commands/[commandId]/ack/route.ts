import { z } from "zod";
import { CommandAckOut } from "@/lib/api/gate-schemas";
import { ackCommand, parseAck } from "@/lib/gates/commands";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/gates/commands/{commandId}/ack",
  operationId: "ackGateCommand",
  tag: "Gates",
  summary: "Acknowledge a command: executed, or failed with the reason",
  // Bridges from before acknowledgements carried a result send no body: the handler reads it itself.
  description:
    'Body (optional, JSON): `{ "result": "executed" | "failed", "failure"?: string }` (the CommandAck schema); no body means executed.',
  auth: "gate",
  params: z.object({ commandId: pathId("Command") }),
  response: { description: "Acknowledged", schema: CommandAckOut },
  errors: ["bad_request", "validation_failed"],
  handler: async ({ req, db, gate, params }) => ackCommand(db, gate, params.commandId, parseAck(await req.text())),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods();
