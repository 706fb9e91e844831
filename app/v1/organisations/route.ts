import { json, parseBody } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { createOrganisation, myOrganisations } from "@/lib/organisations/manage-organisations";
import { CreateOrganisationInput } from "@/lib/organisations/schemas";

// GET /v1/organisations – the organisations the caller belongs to, with their role
export const GET = withAuth(async ({ db, caller }) => json({ data: await myOrganisations(db, caller), next_cursor: null }));

// POST /v1/organisations – found an organisation; the caller becomes its owner (and an operator)
export const POST = withAuth(
  async ({ req, db, caller }) => {
    const org = await createOrganisation(db, caller, (await parseBody(req, CreateOrganisationInput)).name);
    return json(org, 201, { Location: `/v1/organisations/${org.organisation_id}` });
  },
  { scope: "operate" },
);
