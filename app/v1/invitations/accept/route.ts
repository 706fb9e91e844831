import { defineRoute } from "@/lib/http/define-route";
import { acceptInvitation } from "@/lib/organisations/manage-organisations";
import { AcceptInvitationInput, MembershipOut } from "@/lib/organisations/schemas";
import { otherMethods } from "@/lib/http/unknown-route";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/invitations/accept",
  operationId: "acceptInvitation",
  tag: "Organisations",
  summary: "Join an organisation with an invitation link's token",
  auth: "driver",
  scope: "read",
  body: AcceptInvitationInput,
  response: { description: "The membership", schema: MembershipOut },
  errors: ["not_found", "invalid_state", "conflict"],
  handler: ({ db, caller, body }) => acceptInvitation(db, caller, body.token),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods();
