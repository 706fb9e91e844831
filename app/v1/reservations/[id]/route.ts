import { z } from "zod";
import { ReservationOut } from "@/lib/api/schemas";
import { reservationOut } from "@/lib/api/serialize";
import { authorizeReservation } from "@/lib/auth/lot-access";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/reservations/{id}",
  operationId: "getReservation",
  tag: "Reservations",
  summary: "One reservation (its driver, or a member of its lot's organisation)",
  auth: "driver",
  params: z.object({ id: pathId("Reservation") }),
  response: { description: "The reservation", schema: ReservationOut },
  handler: async ({ db, caller, params }) => {
    // Someone else's reservation is reported as missing, not forbidden: ids are not to be probed.
    return reservationOut(await authorizeReservation(db, caller, params.id, { operatorRole: "attendant" }));
  },
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
