import { CheckOutOut, GateReadInput } from "@/lib/api/gate-schemas";
import { checkOutAtGate } from "@/lib/gates/check-out";
import { defineRoute } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/gates/check-out",
  operationId: "gateCheckOut",
  tag: "Gates",
  summary: "An exit gate read a plate or a QR pass: always open_barrier, with the charges due",
  auth: "gate",
  gateLimitInHandler: true,
  body: GateReadInput,
  response: { description: "The decision", schema: CheckOutOut },
  errors: ["not_configured", "not_ready"],
  handler: ({ db, gate, body, startedAt, limit }) => checkOutAtGate(db, gate, body, startedAt, limit),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods();
