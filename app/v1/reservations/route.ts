import { listReservations } from "@/db/queries/reservations";
import { CreateReservationInput, ListReservationsQuery, page, ReservationOut } from "@/lib/api/schemas";
import { decodeCursor, pageOf, reservationOut } from "@/lib/api/serialize";
import { defineRoute } from "@/lib/http/define-route";
import { reservationListScope } from "@/lib/organisations/reservation-list-scope";
import { createReservation } from "@/lib/reservations/create-reservation";
import { otherMethods } from "@/lib/http/unknown-route";

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
  errors: ["forbidden", "not_found", "no_spot_available", "hold_limit_reached", "conflict"],
  handler: async ({ db, caller, body }) => reservationOut(await createReservation(db, caller, body)),
});

export const GET = defineRoute({
  method: "GET",
  path: "/v1/reservations",
  operationId: "listReservations",
  tag: "Reservations",
  summary: "The caller's reservations; operators see (and filter by lot or user) those in their organisations' lots",
  auth: "driver",
  query: ListReservationsQuery,
  response: { description: "A page of reservations", schema: page(ReservationOut) },
  errors: ["forbidden", "not_found", "bad_request"],
  handler: async ({ db, caller, query: q }) => {
    const scope = await reservationListScope(db, caller, q);
    const rows = await listReservations(db, {
      ...scope,
      status: q.status,
      limit: q.limit,
      cursor: decodeCursor(q.cursor),
    });
    return pageOf(rows, q.limit, reservationOut);
  },
});

export const { PUT, PATCH, DELETE } = otherMethods();
