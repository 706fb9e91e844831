import { findLot, listSpots } from "@/db/queries/lots";
import { AddSpotsInput } from "@/lib/api/schemas";
import { spotOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { json, parseBody, parseId } from "@/lib/http/respond";
import { withAuth, withDb } from "@/lib/http/with-auth";
import { addSpots } from "@/lib/lots/manage-lots";

// GET /v1/lots/{id}/spots – the lot's spots, for the map (public)
export const GET = withDb(async ({ db, params }) => {
  const lot = await findLot(db, parseId(params.id, "Lot"));
  if (!lot) throw new ApiError("not_found", "Lot not found");
  return json({ data: (await listSpots(db, lot.id)).map(spotOut), next_cursor: null });
});

// POST /v1/lots/{id}/spots – add spots by count per type or as an explicit list (operators)
export const POST = withAuth(
  async ({ req, db, params }) => {
    const added = await addSpots(db, parseId(params.id, "Lot"), await parseBody(req, AddSpotsInput));
    return json({ data: added.map(spotOut), next_cursor: null }, 201);
  },
  { operatorOnly: true, lotRole: "manager" },
);
