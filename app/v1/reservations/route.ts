import { listReservations } from "@/db/queries/reservations";
import { CreateReservationInput, ListReservationsQuery, page, ReservationOut } from "@/lib/api/schemas";
import { decodeCursor, pageOf, reservationOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/define-route";
import { createReservation } from "@/lib/reservations/create-reservation";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/reservations",
  operationId: "createReservation",
  tag: "Reservations",
  summary: "Book a spot of a vehicle type for a time window; it is held until paid",
  auth: "driver",
  body: CreateReservationInput,
  response: {
    status: 201,
    description: "Booked (pending_payment until paid)",
    schema: ReservationOut,
    headers: (r) => ({ Location: `/v1/reservations/${r.reservation_id}` }),
  },
  errors: ["forbidden", "not_found", "no_spot_available", "conflict"],
  handler: async ({ db, caller, body }) => reservationOut(await createReservation(db, caller, body)),
});

export const GET = defineRoute({
  method: "GET",
  path: "/v1/reservations",
  operationId: "listReservations",
  tag: "Reservations",
  summary: "The caller's reservations; operators may list anyone's, filtered by lot or user",
  auth: "driver",
  query: ListReservationsQuery,
  response: { description: "A page of reservations", schema: page(ReservationOut) },
  errors: ["forbidden", "bad_request"],
  handler: async ({ db, caller, query: q }) => {
    if (caller.role !== "operator" && q.user_id && q.user_id !== caller.id) {
      throw new ApiError("forbidden", "Drivers can only list their own reservations");
    }
    const userId = caller.role === "operator" ? q.user_id : caller.id;
    const rows = await listReservations(db, { userId, lotId: q.lot_id, status: q.status, limit: q.limit, cursor: decodeCursor(q.cursor) });
    return pageOf(rows, q.limit, reservationOut);
  },
});
