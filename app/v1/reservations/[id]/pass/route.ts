import { z } from "zod";
import { PassOut } from "@/lib/api/gate-schemas";
import { issueDriverPass } from "@/lib/gates/driver-pass";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/reservations/{id}/pass",
  operationId: "getReservationPass",
  tag: "Reservations",
  summary: "The QR gate pass of a paid reservation (its owner or an operator)",
  auth: "driver",
  params: z.object({ id: pathId("Reservation") }),
  response: { description: "The pass", schema: PassOut, headers: { "cache-control": "no-store" } },
  errors: ["invalid_state", "not_configured"],
  handler: ({ db, caller, params }) => issueDriverPass(db, caller, params.id),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
