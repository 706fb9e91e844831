import { ExtendReservationInput } from "@/lib/api/schemas";
import { reservationOut } from "@/lib/api/serialize";
import { json, parseBody, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { extendReservation } from "@/lib/reservations/extend-reservation";

// POST /v1/reservations/{id}/extend – stay longer on the same spot, if it stays free
export const POST = withAuth(async ({ req, db, caller, params }) => {
  const id = parseId(params.id, "Reservation");
  const { end_time } = await parseBody(req, ExtendReservationInput);
  const { reservation, extensionAmount } = await extendReservation(db, caller, id, end_time);
  return json({ ...reservationOut(reservation), extension_amount: extensionAmount });
});
