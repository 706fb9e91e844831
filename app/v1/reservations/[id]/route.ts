import { reservationOut } from "@/lib/api/serialize";
import { authorizeReservation } from "@/lib/auth/lot-access";
import { json, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// GET /v1/reservations/{id} – one reservation (its owner or an operator)
export const GET = withAuth(async ({ db, caller, params }) => {
  const r = await authorizeReservation(db, caller, parseId(params.id, "Reservation"), { operatorRole: "attendant" });
  return json(reservationOut(r));
});
