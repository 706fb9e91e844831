import { listReservations } from "@/db/queries/reservations";
import { CreateReservationInput, ListReservationsQuery } from "@/lib/api/schemas";
import { decodeCursor, pageOf, reservationOut } from "@/lib/api/serialize";
import { json, parseBody, parseQuery } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { createReservation } from "@/lib/reservations/create-reservation";
import { reservationListScope } from "@/lib/organisations/reservation-list-scope";

// POST /v1/reservations – book a spot of a vehicle type for a time window
export const POST = withAuth(async ({ req, db, caller }) => {
  const input = await parseBody(req, CreateReservationInput);
  const reservation = await createReservation(db, caller, input);
  return json(reservationOut(reservation), 201, { Location: `/v1/reservations/${reservation.id}` });
});

// GET /v1/reservations – the caller's reservations; operators see (and filter by lot or user) those in their organisations' lots
export const GET = withAuth(async ({ req, db, caller }) => {
  const q = parseQuery(req, ListReservationsQuery);
  const rows = await listReservations(db, {
    ...(await reservationListScope(db, caller, q)),
    status: q.status,
    limit: q.limit,
    cursor: decodeCursor(q.cursor),
  });
  return json(pageOf(rows, q.limit, reservationOut));
});
