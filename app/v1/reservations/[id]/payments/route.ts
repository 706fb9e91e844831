import { z } from "zod";
import { ledgerFor, netPaid } from "@/db/queries/payments";
import { findReservation } from "@/db/queries/reservations";
import { LedgerOut } from "@/lib/api/schemas";
import { ledgerEntryOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { defineRoute, pathId } from "@/lib/http/define-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/reservations/{id}/payments",
  operationId: "listReservationPayments",
  tag: "Payments",
  summary: "Every money movement of a reservation, with the net paid (its owner or an operator)",
  auth: "driver",
  params: z.object({ id: pathId("Reservation") }),
  response: { description: "The ledger", schema: LedgerOut },
  handler: async ({ db, caller, params }) => {
    const r = await findReservation(db, params.id);
    if (!r || (caller.role !== "operator" && r.userId !== caller.id)) throw new ApiError("not_found", "Reservation not found");
    const [rows, net] = await Promise.all([ledgerFor(db, r.id), netPaid(db, r.id)]);
    return { data: rows.map(ledgerEntryOut), net_paid: net, currency: r.currency };
  },
});
