import { z } from "zod";
import { activeSpotCounts, findLot } from "@/db/queries/lots";
import { LotDetailOut, UpdateLotInput } from "@/lib/api/schemas";
import { lotDetailOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { updateLot } from "@/lib/lots/manage-lots";
import { otherMethods } from "@/lib/http/unknown-route";

const params = z.object({ id: pathId("Lot") });

export const GET = defineRoute({
  method: "GET",
  path: "/v1/lots/{id}",
  operationId: "getLot",
  tag: "Lots",
  summary: "One lot with its settings and spots counted by type",
  auth: "public",
  params,
  response: { description: "The lot", schema: LotDetailOut },
  handler: async ({ db, params }) => {
    const lot = await findLot(db, params.id);
    if (!lot) throw new ApiError("not_found", "Lot not found");
    return lotDetailOut(lot, (await activeSpotCounts(db, [lot.id])).get(lot.id)!);
  },
});

export const PATCH = defineRoute({
  method: "PATCH",
  path: "/v1/lots/{id}",
  operationId: "updateLot",
  audit: "lot.settings_updated",
  tag: "Lots",
  summary: "Edit a lot's settings and rates",
  auth: { operator: "manager", lot: ({ params }) => params.id },
  params,
  body: UpdateLotInput,
  errors: ["conflict"],
  response: { description: "Updated", schema: LotDetailOut },
  handler: async ({ db, params, body }) => {
    const { lot, counts } = await updateLot(db, params.id, body);
    return lotDetailOut(lot, counts);
  },
});

export const { POST, PUT, DELETE } = otherMethods();
