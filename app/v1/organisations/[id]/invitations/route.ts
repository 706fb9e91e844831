import { z } from "zod";
import { page } from "@/lib/api/schemas";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { inviteMember, openInvitations } from "@/lib/organisations/manage-organisations";
import { CreateInvitationInput, InvitationCreatedOut, InvitationOut } from "@/lib/organisations/schemas";
import { siteUrl } from "@/lib/organisations/site-url";
import { otherMethods } from "@/lib/http/unknown-route";

const params = z.object({ id: pathId("Organisation") });

export const GET = defineRoute({
  method: "GET",
  path: "/v1/organisations/{id}/invitations",
  operationId: "listInvitations",
  tag: "Organisations",
  summary: "Invitations not yet accepted or revoked (owners)",
  auth: "driver",
  params,
  response: { description: "Open invitations", schema: page(InvitationOut) },
  handler: async ({ db, caller, params }) => ({
    data: await openInvitations(db, caller, params.id),
    next_cursor: null,
  }),
});

export const POST = defineRoute({
  method: "POST",
  path: "/v1/organisations/{id}/invitations",
  operationId: "createInvitation",
  tag: "Organisations",
  summary: "An invitation link with a role; the link is in this answer only (owners)",
  auth: "driver",
  scope: "operate",
  params,
  body: CreateInvitationInput,
  response: { status: 201, description: "Invited", schema: InvitationCreatedOut },
  handler: ({ req, db, caller, params, body }) => inviteMember(db, caller, params.id, body, siteUrl(req)),
});

export const { PUT, PATCH, DELETE } = otherMethods();
