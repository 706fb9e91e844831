import { z } from "zod";
import { ExtendedReservationOut, ExtendReservationInput } from "@/lib/api/schemas";
import { reservationOut } from "@/lib/api/serialize";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { extendReservation } from "@/lib/reservations/extend-reservation";
import { otherMethods } from "@/lib/http/unknown-route";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/reservations/{id}/extend",
  operationId: "extendReservation",
  tag: "Reservations",
  summary: "Stay longer on the same spot, if it stays free; the extra time is charged to the saved card",
  auth: "driver",
  params: z.object({ id: pathId("Reservation") }),
  body: ExtendReservationInput,
  response: { description: "Extended", schema: ExtendedReservationOut },
  errors: [
    "invalid_state",
    "conflict",
    "no_spot_available",
    "payment_declined",
    "payment_failed",
    "payments_unavailable",
  ],
  handler: async ({ db, caller, params, body }) => {
    const { reservation, extensionAmount } = await extendReservation(db, caller, params.id, body.end_time);
    return { ...reservationOut(reservation), extension_amount: extensionAmount };
  },
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods();
