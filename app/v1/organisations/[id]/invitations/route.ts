import { json, parseBody, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { inviteMember, openInvitations } from "@/lib/organisations/manage-organisations";
import { CreateInvitationInput } from "@/lib/organisations/schemas";
import { siteUrl } from "@/lib/organisations/site-url";

// GET /v1/organisations/{id}/invitations – invitations not yet accepted or revoked (owners)
export const GET = withAuth(async ({ db, caller, params }) => json({ data: await openInvitations(db, caller, parseId(params.id, "Organisation")), next_cursor: null }));

// POST /v1/organisations/{id}/invitations – an invitation link with a role; the link is in this answer only (owners)
export const POST = withAuth(
  async ({ req, db, caller, params }) => {
    const input = await parseBody(req, CreateInvitationInput);
    return json(await inviteMember(db, caller, parseId(params.id, "Organisation"), input, siteUrl(req)), 201);
  },
  { scope: "operate" },
);
