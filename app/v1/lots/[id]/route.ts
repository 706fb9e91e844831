import { activeSpotCounts, findLot } from "@/db/queries/lots";
import { UpdateLotInput } from "@/lib/api/schemas";
import { lotDetailOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { json, parseBody, parseId } from "@/lib/http/respond";
import { withAuth, withDb } from "@/lib/http/with-auth";
import { updateLot } from "@/lib/lots/manage-lots";

// GET /v1/lots/{id} – one lot with spots counted by type (public)
export const GET = withDb(async ({ db, params }) => {
  const lot = await findLot(db, parseId(params.id, "Lot"));
  if (!lot) throw new ApiError("not_found", "Lot not found");
  return json(lotDetailOut(lot, (await activeSpotCounts(db, [lot.id])).get(lot.id)!));
});

// PATCH /v1/lots/{id} – edit a lot's settings (operators)
export const PATCH = withAuth(
  async ({ req, db, params }) => {
    const id = parseId(params.id, "Lot");
    const { lot, counts } = await updateLot(db, id, await parseBody(req, UpdateLotInput));
    return json(lotDetailOut(lot, counts));
  },
  { operatorOnly: true, lotRole: "manager" },
);
