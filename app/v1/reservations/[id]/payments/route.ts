import { ledgerFor, netPaid } from "@/db/queries/payments";
import { findReservation } from "@/db/queries/reservations";
import { ledgerEntryOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { json, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// GET /v1/reservations/{id}/payments – every money movement of a reservation (owner or operator)
export const GET = withAuth(async ({ db, caller, params }) => {
  const r = await findReservation(db, parseId(params.id, "Reservation"));
  if (!r || (caller.role !== "operator" && r.userId !== caller.id)) throw new ApiError("not_found", "Reservation not found");
  const [rows, net] = await Promise.all([ledgerFor(db, r.id), netPaid(db, r.id)]);
  return json({ data: rows.map(ledgerEntryOut), net_paid: net, currency: r.currency });
});
