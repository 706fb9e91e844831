import { z } from "zod";
import { findLot, listSpots } from "@/db/queries/lots";
import { AddSpotsInput, page, SpotOut } from "@/lib/api/schemas";
import { spotOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { addSpots } from "@/lib/lots/manage-lots";
import { otherMethods } from "@/lib/http/unknown-route";

const params = z.object({ id: pathId("Lot") });

export const GET = defineRoute({
  method: "GET",
  path: "/v1/lots/{id}/spots",
  operationId: "listSpots",
  tag: "Lots",
  summary: "The lot's spots, for the map",
  auth: "public",
  params,
  response: { description: "Spots", schema: page(SpotOut) },
  handler: async ({ db, params }) => {
    const lot = await findLot(db, params.id);
    if (!lot) throw new ApiError("not_found", "Lot not found");
    return { data: (await listSpots(db, lot.id)).map(spotOut), next_cursor: null };
  },
});

export const POST = defineRoute({
  method: "POST",
  path: "/v1/lots/{id}/spots",
  operationId: "addSpots",
  audit: "lot.spots_added",
  tag: "Lots",
  summary: "Add spots by count per type or as an explicit list",
  auth: { operator: "manager", lot: ({ params }) => params.id },
  params,
  body: AddSpotsInput,
  response: { status: 201, description: "Added", schema: page(SpotOut) },
  errors: ["conflict"],
  handler: async ({ db, params, body }) => ({
    data: (await addSpots(db, params.id, body)).map(spotOut),
    next_cursor: null,
  }),
});

export const { PUT, PATCH, DELETE } = otherMethods();
