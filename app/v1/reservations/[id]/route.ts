import { z } from "zod";
import { findReservation } from "@/db/queries/reservations";
import { ReservationOut } from "@/lib/api/schemas";
import { reservationOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { defineRoute, pathId } from "@/lib/http/define-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/reservations/{id}",
  operationId: "getReservation",
  tag: "Reservations",
  summary: "One reservation (its owner or an operator)",
  auth: "driver",
  params: z.object({ id: pathId("Reservation") }),
  response: { description: "The reservation", schema: ReservationOut },
  handler: async ({ db, caller, params }) => {
    const r = await findReservation(db, params.id);
    // Someone else's reservation is reported as missing, not forbidden: ids are not to be probed.
    if (!r || (caller.role !== "operator" && r.userId !== caller.id)) throw new ApiError("not_found", "Reservation not found");
    return reservationOut(r);
  },
});
