import type { DbOrTx } from "@/db/client";
import { organisationsOf } from "@/db/queries/organisations";
import { ApiError } from "@/lib/errors";
import { hasRole } from "@/lib/auth/lot-access";

/**
 * Where a new lot goes: the organisation asked for, or the caller's only one where they manage.
 * Creating lots is a manager's act; a member of several organisations must say which.
 */
export async function organisationForNewLot(db: DbOrTx, caller: { id: string }, requested?: string | null) {
  const mine = (await organisationsOf(db, caller.id)).filter((o) => hasRole(o.role, "manager"));
  if (requested) {
    const org = mine.find((o) => o.id === requested);
    if (!org) throw new ApiError("not_found", "Organisation not found (or you are not a manager there)");
    return org.id;
  }
  if (mine.length === 1) return mine[0]!.id;
  if (mine.length === 0) {
    throw new ApiError(
      "forbidden",
      "Create an organisation first (POST /v1/organisations), or ask an owner to make you a manager",
    );
  }
  throw new ApiError("validation_failed", "You manage several organisations: say which with ?organisation_id=", [
    { path: "organisation_id", message: `one of ${mine.map((o) => o.id).join(", ")}` },
  ]);
}
