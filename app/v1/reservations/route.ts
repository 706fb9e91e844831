import { listReservations } from "@/db/queries/reservations";
import { CreateReservationInput, ListReservationsQuery } from "@/lib/api/schemas";
import { decodeCursor, pageOf, reservationOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { json, parseBody, parseQuery } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { createReservation } from "@/lib/reservations/create-reservation";

// POST /v1/reservations – book a spot of a vehicle type for a time window
export const POST = withAuth(async ({ req, db, caller }) => {
  const input = await parseBody(req, CreateReservationInput);
  const reservation = await createReservation(db, caller, input);
  return json(reservationOut(reservation), 201, { Location: `/v1/reservations/${reservation.id}` });
});

// GET /v1/reservations – the caller's reservations; operators may filter by lot or user
export const GET = withAuth(async ({ req, db, caller }) => {
  const q = parseQuery(req, ListReservationsQuery);
  if (caller.role !== "operator" && q.user_id && q.user_id !== caller.id) {
    throw new ApiError("forbidden", "Drivers can only list their own reservations");
  }
  const userId = caller.role === "operator" ? q.user_id : caller.id;
  const rows = await listReservations(db, {
    userId,
    lotId: q.lot_id,
    status: q.status,
    limit: q.limit,
    cursor: decodeCursor(q.cursor),
  });
  return json(pageOf(rows, q.limit, reservationOut));
});
