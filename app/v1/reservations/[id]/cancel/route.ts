import { z } from "zod";
import { CancelOut } from "@/lib/api/schemas";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { cancelReservation } from "@/lib/reservations/cancel-reservation";
import { otherMethods } from "@/lib/http/unknown-route";

export const PUT = defineRoute({
  method: "PUT",
  path: "/v1/reservations/{id}/cancel",
  operationId: "cancelReservation",
  tag: "Reservations",
  summary: "Cancel a reservation; refunds per the lot's policy",
  auth: "driver",
  params: z.object({ id: pathId("Reservation") }),
  response: { description: "Cancelled", schema: CancelOut },
  errors: ["invalid_state", "conflict"],
  handler: ({ db, caller, params }) => cancelReservation(db, caller, params.id),
});

export const { GET, HEAD, POST, PATCH, DELETE } = otherMethods();
