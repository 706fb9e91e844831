import { findReservation } from "@/db/queries/reservations";
import { reservationOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { json, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// GET /v1/reservations/{id} – one reservation (its owner or an operator)
export const GET = withAuth(async ({ db, caller, params }) => {
  const r = await findReservation(db, parseId(params.id, "Reservation"));
  // Someone else's reservation is reported as missing, not forbidden: ids are not to be probed.
  if (!r || (caller.role !== "operator" && r.userId !== caller.id)) throw new ApiError("not_found", "Reservation not found");
  return json(reservationOut(r));
});
