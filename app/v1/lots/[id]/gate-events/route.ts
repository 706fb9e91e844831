import { listGateEvents } from "@/db/queries/gates";
import { findLot } from "@/db/queries/lots";
import { GateEventsQuery } from "@/lib/api/gate-schemas";
import { ApiError } from "@/lib/errors";
import { gateEventOut } from "@/lib/gates/gate-events";
import { json, parseId, parseQuery } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// GET /v1/lots/{id}/gate-events – the barrier log, newest first; ?collection=unable_to_collect for reconciliation (operators)
export const GET = withAuth(
  async ({ req, db, params }) => {
    const lot = await findLot(db, parseId(params.id, "Lot"));
    if (!lot) throw new ApiError("not_found", "Lot not found");
    const q = parseQuery(req, GateEventsQuery);
    return json({ data: (await listGateEvents(db, { lotId: lot.id, ...q })).map(gateEventOut), next_cursor: null });
  },
  { operatorOnly: true, lotRole: "attendant" },
);
