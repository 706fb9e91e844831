import { ledgerFor, netPaid } from "@/db/queries/payments";
import { ledgerEntryOut } from "@/lib/api/serialize";
import { authorizeReservation } from "@/lib/auth/lot-access";
import { json, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// GET /v1/reservations/{id}/payments – every money movement of a reservation (owner or operator)
export const GET = withAuth(async ({ db, caller, params }) => {
  const r = await authorizeReservation(db, caller, parseId(params.id, "Reservation"), { operatorRole: "manager" });
  const [rows, net] = await Promise.all([ledgerFor(db, r.id), netPaid(db, r.id)]);
  return json({ data: rows.map(ledgerEntryOut), net_paid: net, currency: r.currency });
});
