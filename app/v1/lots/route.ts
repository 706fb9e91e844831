import { activeSpotCounts, listLots } from "@/db/queries/lots";
import { CreateLotInput } from "@/lib/api/schemas";
import { lotDetailOut, lotOut } from "@/lib/api/serialize";
import { json, parseBody } from "@/lib/http/respond";
import { withAuth, withDb } from "@/lib/http/with-auth";
import { createLot } from "@/lib/lots/manage-lots";
import { organisationForNewLot } from "@/lib/organisations/organisation-for-new-lot";

// GET /v1/lots – every lot with its spot counts (public)
export const GET = withDb(async ({ db }) => {
  const all = await listLots(db);
  const counts = await activeSpotCounts(db, all.map((l) => l.id));
  return json({ data: all.map((l) => lotOut(l, counts.get(l.id)!)), next_cursor: null });
});

// POST /v1/lots[?organisation_id=] – create a lot, optionally with its spots, in the caller's organisation (managers)
export const POST = withAuth(
  async ({ req, db, caller }) => {
    const organisationId = await organisationForNewLot(db, caller, new URL(req.url).searchParams.get("organisation_id"));
    const { lot, counts } = await createLot(db, await parseBody(req, CreateLotInput), organisationId);
    return json(lotDetailOut(lot, counts), 201, { Location: `/v1/lots/${lot.id}` });
  },
  { operatorOnly: true },
);
