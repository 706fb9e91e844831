import { MeOut } from "@/lib/api/schemas";
import { defineRoute } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/me",
  operationId: "getMe",
  tag: "Account",
  summary: "Who the token or session belongs to",
  auth: "driver",
  response: { description: "The caller", schema: MeOut },
  handler: ({ caller: { id, email, name, role } }) => ({ id, email, name, role }),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
