import { z } from "zod";
import { CreateGateInput, GateCreatedOut, GateOut } from "@/lib/api/gate-schemas";
import { page } from "@/lib/api/schemas";
import { createGate, gatesOfLot } from "@/lib/gates/manage-gates";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

const params = z.object({ id: pathId("Lot") });

export const GET = defineRoute({
  method: "GET",
  path: "/v1/lots/{id}/gates",
  operationId: "listGates",
  tag: "Gates",
  summary: "The lot's gates, without secrets",
  // Attendants open barriers by hand, so they see the gates.
  auth: { operator: "attendant", lot: ({ params }) => params.id },
  params,
  response: { description: "Gates", schema: page(GateOut) },
  handler: async ({ db, params }) => ({ data: await gatesOfLot(db, params.id), next_cursor: null }),
});

export const POST = defineRoute({
  method: "POST",
  path: "/v1/lots/{id}/gates",
  operationId: "createGate",
  audit: "gate.created",
  tag: "Gates",
  summary: "Add a gate; the response holds its secret, shown this once",
  auth: { operator: "manager", lot: ({ params }) => params.id },
  params,
  body: CreateGateInput,
  response: { status: 201, description: "Created", schema: GateCreatedOut },
  errors: ["conflict"],
  handler: ({ db, params, body }) => createGate(db, params.id, body),
});

export const { PUT, PATCH, DELETE } = otherMethods();
