import { activeSpotCounts, listLots } from "@/db/queries/lots";
import { CreateLotInput } from "@/lib/api/schemas";
import { lotDetailOut, lotOut } from "@/lib/api/serialize";
import { json, parseBody } from "@/lib/http/respond";
import { withAuth, withDb } from "@/lib/http/with-auth";
import { createLot } from "@/lib/lots/manage-lots";

// GET /v1/lots – every lot with its spot counts (public)
export const GET = withDb(async ({ db }) => {
  const all = await listLots(db);
  const counts = await activeSpotCounts(db, all.map((l) => l.id));
  return json({ data: all.map((l) => lotOut(l, counts.get(l.id)!)), next_cursor: null });
});

// POST /v1/lots – create a lot, optionally with its spots (operators)
export const POST = withAuth(
  async ({ req, db }) => {
    const { lot, counts } = await createLot(db, await parseBody(req, CreateLotInput));
    return json(lotDetailOut(lot, counts), 201, { Location: `/v1/lots/${lot.id}` });
  },
  { operatorOnly: true },
);
