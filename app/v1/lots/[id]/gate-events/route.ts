import { z } from "zod";
import { listGateEvents } from "@/db/queries/gates";
import { findLot } from "@/db/queries/lots";
import { GateEventOut, GateEventsQuery } from "@/lib/api/gate-schemas";
import { page } from "@/lib/api/schemas";
import { ApiError } from "@/lib/errors";
import { gateEventOut } from "@/lib/gates/gate-events";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/lots/{id}/gate-events",
  operationId: "listGateEvents",
  tag: "Gates",
  summary: "The lot's barrier log, newest first; ?collection=unable_to_collect for reconciliation",
  auth: { operator: "attendant", lot: ({ params }) => params.id },
  params: z.object({ id: pathId("Lot") }),
  query: GateEventsQuery,
  response: { description: "Gate events", schema: page(GateEventOut) },
  handler: async ({ db, params, query }) => {
    const lot = await findLot(db, params.id);
    if (!lot) throw new ApiError("not_found", "Lot not found");
    return { data: (await listGateEvents(db, { lotId: lot.id, ...query })).map(gateEventOut), next_cursor: null };
  },
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
