import { z } from "zod";
import { LotLedgerOut, LotPaymentsQuery } from "@/lib/api/schemas";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { lotLedgerReport } from "@/lib/lots/lot-ledger";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/lots/{id}/payments",
  operationId: "listLotPayments",
  tag: "Payments",
  summary: "The lot's money movements in a period with totals by kind, for reconciliation",
  auth: { operator: "owner", lot: ({ params }) => params.id },
  params: z.object({ id: pathId("Lot") }),
  query: LotPaymentsQuery,
  response: { description: "Movements and totals", schema: LotLedgerOut },
  handler: ({ db, params, query }) => lotLedgerReport(db, params.id, query),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
