import { json, parseBody } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { acceptInvitation } from "@/lib/organisations/manage-organisations";
import { AcceptInvitationInput } from "@/lib/organisations/schemas";

// POST /v1/invitations/accept – join an organisation with an invitation link's token
export const POST = withAuth(async ({ req, db, caller }) => json(await acceptInvitation(db, caller, (await parseBody(req, AcceptInvitationInput)).token)), {
  scope: "read",
});
