import { z } from "zod";
import { defineRoute, NoContent, pathId } from "@/lib/http/define-route";
import { revokeInvitation } from "@/lib/organisations/manage-organisations";
import { otherMethods } from "@/lib/http/unknown-route";

export const DELETE = defineRoute({
  method: "DELETE",
  path: "/v1/organisations/{id}/invitations/{invitationId}",
  operationId: "revokeInvitation",
  tag: "Organisations",
  summary: "Revoke an invitation link (owners)",
  auth: "driver",
  scope: "operate",
  params: z.object({ id: pathId("Organisation"), invitationId: pathId("Invitation") }),
  response: { status: 204, description: "Revoked", schema: NoContent },
  handler: ({ db, caller, params }) => revokeInvitation(db, caller, params.id, params.invitationId),
});

export const { GET, HEAD, POST, PUT, PATCH } = otherMethods();
