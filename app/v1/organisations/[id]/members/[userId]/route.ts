import { json, parseBody, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { changeMemberRole, removeMember } from "@/lib/organisations/manage-organisations";
import { MemberRoleInput } from "@/lib/organisations/schemas";

// PATCH /v1/organisations/{id}/members/{userId} – change a member's role (owners)
export const PATCH = withAuth(
  async ({ req, db, caller, params }) => {
    const { role } = await parseBody(req, MemberRoleInput);
    return json(await changeMemberRole(db, caller, parseId(params.id, "Organisation"), parseId(params.userId, "Member"), role));
  },
  { scope: "operate" },
);

// DELETE /v1/organisations/{id}/members/{userId} – remove a member (owners), or leave (yourself)
export const DELETE = withAuth(
  async ({ db, caller, params }) => {
    await removeMember(db, caller, parseId(params.id, "Organisation"), parseId(params.userId, "Member"));
    return new Response(null, { status: 204 });
  },
  { scope: "operate" },
);
