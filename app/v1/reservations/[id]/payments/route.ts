import { z } from "zod";
import { ledgerFor, netPaidOf } from "@/db/queries/payments";
import { LedgerOut } from "@/lib/api/schemas";
import { ledgerEntryOut } from "@/lib/api/serialize";
import { authorizeReservation } from "@/lib/auth/lot-access";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/reservations/{id}/payments",
  operationId: "listReservationPayments",
  tag: "Payments",
  summary: "Every money movement of a reservation, with the net paid (its driver, or a manager of its lot)",
  auth: "driver",
  params: z.object({ id: pathId("Reservation") }),
  response: { description: "The ledger", schema: LedgerOut },
  handler: async ({ db, caller, params }) => {
    const r = await authorizeReservation(db, caller, params.id, { operatorRole: "manager" });
    const rows = await ledgerFor(db, r.id);
    return { data: rows.map(ledgerEntryOut), net_paid: netPaidOf(rows), currency: r.currency };
  },
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
