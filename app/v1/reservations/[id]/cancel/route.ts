import { json, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { cancelReservation } from "@/lib/reservations/cancel-reservation";

// PUT /v1/reservations/{id}/cancel – cancel and refund per the lot's policy
export const PUT = withAuth(async ({ db, caller, params }) => {
  return json(await cancelReservation(db, caller, parseId(params.id, "Reservation")));
});
