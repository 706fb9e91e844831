import { createPersonalToken, personalTokens } from "@/lib/auth/accounts";
import { page } from "@/lib/api/schemas";
import { defineRoute } from "@/lib/http/define-route";
import { CreateTokenInput, TokenCreatedOut, TokenOut } from "@/lib/organisations/schemas";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/me/tokens",
  operationId: "listTokens",
  tag: "Account",
  summary: "The caller's personal API tokens (never the tokens themselves), with last use",
  auth: "driver",
  response: { description: "Tokens", schema: page(TokenOut) },
  handler: async ({ db, caller }) => ({ data: await personalTokens(db, caller), next_cursor: null }),
});

export const POST = defineRoute({
  method: "POST",
  path: "/v1/me/tokens",
  operationId: "createToken",
  tag: "Account",
  summary: "A new personal token with a name and scopes (read, book, operate); the token is shown once",
  auth: "driver",
  scope: "read",
  body: CreateTokenInput,
  response: { status: 201, description: "Created", schema: TokenCreatedOut },
  handler: ({ db, caller, body }) => createPersonalToken(db, caller, body),
});

export const { PUT, PATCH, DELETE } = otherMethods();
