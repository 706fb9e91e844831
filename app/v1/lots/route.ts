import { activeSpotCounts, listLots } from "@/db/queries/lots";
import { CreateLotInput, LotDetailOut, LotOut, page } from "@/lib/api/schemas";
import { lotDetailOut, lotOut } from "@/lib/api/serialize";
import { defineRoute } from "@/lib/http/define-route";
import { createLot } from "@/lib/lots/manage-lots";

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
    const counts = await activeSpotCounts(db, all.map((l) => l.id));
    return { data: all.map((l) => lotOut(l, counts.get(l.id)!)), next_cursor: null };
  },
});

export const POST = defineRoute({
  method: "POST",
  path: "/v1/lots",
  operationId: "createLot",
  tag: "Lots",
  summary: "Create a lot, optionally with its spots",
  auth: { operator: "manager" },
  body: CreateLotInput,
  response: { status: 201, description: "Created", schema: LotDetailOut, headers: (lot) => ({ Location: `/v1/lots/${lot.id}` }) },
  errors: ["conflict"],
  handler: async ({ db, body }) => {
    const { lot, counts } = await createLot(db, body);
    return lotDetailOut(lot, counts);
  },
});
