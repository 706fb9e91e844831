import { parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { revokeInvitation } from "@/lib/organisations/manage-organisations";

// DELETE /v1/organisations/{id}/invitations/{invitationId} – revoke an invitation link (owners)
export const DELETE = withAuth(
  async ({ db, caller, params }) => {
    await revokeInvitation(db, caller, parseId(params.id, "Organisation"), parseId(params.invitationId, "Invitation"));
    return new Response(null, { status: 204 });
  },
  { scope: "operate" },
);
