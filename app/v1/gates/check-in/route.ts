import { CheckInOut, GateReadInput } from "@/lib/api/gate-schemas";
import { checkInAtGate } from "@/lib/gates/check-in";
import { defineRoute } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/gates/check-in",
  operationId: "gateCheckIn",
  tag: "Gates",
  summary: "An entry gate read a plate or a QR pass: open_barrier, deny or ask_for_qr",
  auth: "gate",
  gateLimitInHandler: true,
  body: GateReadInput,
  response: { description: "The decision", schema: CheckInOut },
  errors: ["not_configured", "not_ready"],
  handler: ({ db, gate, body, startedAt, limit }) => checkInAtGate(db, gate, body, startedAt, limit),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods();
