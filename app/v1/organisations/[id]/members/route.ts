import { z } from "zod";
import { page } from "@/lib/api/schemas";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { membersOf } from "@/lib/organisations/manage-organisations";
import { MemberOut } from "@/lib/organisations/schemas";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/organisations/{id}/members",
  operationId: "listOrganisationMembers",
  tag: "Organisations",
  summary: "The organisation's members and their roles (any member)",
  auth: "driver",
  params: z.object({ id: pathId("Organisation") }),
  response: { description: "Members", schema: page(MemberOut) },
  handler: async ({ db, caller, params }) => ({ data: await membersOf(db, caller, params.id), next_cursor: null }),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
