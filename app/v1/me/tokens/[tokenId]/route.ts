import { z } from "zod";
import { revokePersonalToken } from "@/lib/auth/accounts";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { TokenOut } from "@/lib/organisations/schemas";
import { otherMethods } from "@/lib/http/unknown-route";

export const DELETE = defineRoute({
  method: "DELETE",
  path: "/v1/me/tokens/{tokenId}",
  operationId: "revokeToken",
  tag: "Account",
  summary: "Revoke one of the caller's tokens; every app process refuses it within 2 s",
  auth: "driver",
  scope: "read",
  params: z.object({ tokenId: pathId("Token") }),
  response: { description: "The revoked token", schema: TokenOut },
  handler: ({ db, caller, params }) => revokePersonalToken(db, caller, params.tokenId),
});

export const { GET, HEAD, POST, PUT, PATCH } = otherMethods();
