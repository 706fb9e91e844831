import { activeSpotCounts, listLots } from "@/db/queries/lots";
import { CreateLotInput, LotDetailOut, LotOut, page } from "@/lib/api/schemas";
import { lotDetailOut, lotOut } from "@/lib/api/serialize";
import { z } from "zod";
import { defineRoute } from "@/lib/http/define-route";
import { createLot } from "@/lib/lots/manage-lots";
import { organisationForNewLot } from "@/lib/organisations/organisation-for-new-lot";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/lots",
  operationId: "listLots",
  tag: "Lots",
  summary: "Every lot with its spot counts",
  auth: "public",
  response: { description: "Lots", schema: page(LotOut) },
  handler: async ({ db }) => {
    const all = await listLots(db);
    const counts = await activeSpotCounts(
      db,
      all.map((l) => l.id),
    );
    return { data: all.map((l) => lotOut(l, counts.get(l.id)!)), next_cursor: null };
  },
});

export const POST = defineRoute({
  method: "POST",
  path: "/v1/lots",
  operationId: "createLot",
  tag: "Lots",
  summary: "Create a lot, optionally with its spots, in one of the caller's organisations (managers)",
  auth: { operator: "manager" },
  query: z.object({
    organisation_id: z
      .uuid()
      .optional()
      .describe("The organisation to own the lot; needed only when the caller manages more than one"),
  }),
  body: CreateLotInput,
  response: {
    status: 201,
    description: "Created",
    schema: LotDetailOut,
    headers: (lot) => ({ Location: `/v1/lots/${lot.id}` }),
  },
  errors: ["conflict", "not_found"],
  handler: async ({ db, caller, query, body }) => {
    const organisationId = await organisationForNewLot(db, caller, query.organisation_id ?? null);
    const { lot, counts } = await createLot(db, body, organisationId);
    return lotDetailOut(lot, counts);
  },
});

export const { PUT, PATCH, DELETE } = otherMethods();
