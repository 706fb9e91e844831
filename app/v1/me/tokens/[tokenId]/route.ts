import { revokePersonalToken } from "@/lib/auth/accounts";
import { json, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// DELETE /v1/me/tokens/{tokenId} – revoke one of the caller's tokens; it is refused from the next request on
export const DELETE = withAuth(async ({ db, caller, params }) => json(await revokePersonalToken(db, caller, parseId(params.tokenId, "Token"))), {
  scope: "read",
});
