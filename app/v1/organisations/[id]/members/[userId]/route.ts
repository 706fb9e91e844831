import { z } from "zod";
import { defineRoute, NoContent, pathId } from "@/lib/http/define-route";
import { changeMemberRole, removeMember } from "@/lib/organisations/manage-organisations";
import { MemberOut, MemberRoleInput } from "@/lib/organisations/schemas";
import { otherMethods } from "@/lib/http/unknown-route";

const params = z.object({ id: pathId("Organisation"), userId: pathId("Member") });

export const PATCH = defineRoute({
  method: "PATCH",
  path: "/v1/organisations/{id}/members/{userId}",
  operationId: "changeMemberRole",
  tag: "Organisations",
  summary: "Change a member's role (owners); the last owner cannot step down",
  auth: "driver",
  scope: "operate",
  params,
  body: MemberRoleInput,
  response: { description: "The member with the new role", schema: MemberOut },
  errors: ["invalid_state"],
  handler: ({ db, caller, params, body }) => changeMemberRole(db, caller, params.id, params.userId, body.role),
});

export const DELETE = defineRoute({
  method: "DELETE",
  path: "/v1/organisations/{id}/members/{userId}",
  operationId: "removeMember",
  tag: "Organisations",
  summary: "Remove a member (owners), or leave (yourself); not the last owner",
  auth: "driver",
  scope: "operate",
  params,
  response: { status: 204, description: "Removed", schema: NoContent },
  errors: ["invalid_state"],
  handler: ({ db, caller, params }) => removeMember(db, caller, params.id, params.userId),
});

export const { GET, HEAD, POST, PUT } = otherMethods();
