import { createPersonalToken, personalTokens } from "@/lib/auth/accounts";
import { json, parseBody } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { CreateTokenInput } from "@/lib/organisations/schemas";

// GET /v1/me/tokens – the caller's personal API tokens (never the tokens themselves), with last use
export const GET = withAuth(async ({ db, caller }) => json({ data: await personalTokens(db, caller), next_cursor: null }));

// POST /v1/me/tokens – a new personal token with a name and scopes (read, book, operate); shown once
export const POST = withAuth(async ({ req, db, caller }) => json(await createPersonalToken(db, caller, await parseBody(req, CreateTokenInput)), 201), {
  scope: "read",
});
