import { z } from "zod";
import { AvailabilityOut, AvailabilityQuery } from "@/lib/api/schemas";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { lotAvailability } from "@/lib/lots/lot-availability";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/lots/{id}/availability",
  operationId: "getLotAvailability",
  tag: "Lots",
  summary: "Free spots per vehicle type for a window, with the price",
  auth: "public",
  params: z.object({ id: pathId("Lot") }),
  query: AvailabilityQuery,
  response: { description: "Availability", schema: AvailabilityOut },
  handler: ({ db, params, query }) => lotAvailability(db, params.id, query),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
