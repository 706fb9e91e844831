import type { Db } from "@/db/client";
import { ApiError } from "@/lib/errors";
import type { Caller } from "./caller";

/** What an operator's organisation role lets them do (issue 10): each role includes the ones after it. */
export const OPERATOR_ROLES = ["owner", "manager", "attendant"] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/**
 * The one gate every operator route passes through (lib/http/define-route.ts calls it before the
 * handler). `lotId` is the lot the request touches, or null for operations not scoped to one lot
 * (creating a lot, a gate whose lot is unknown). Until organisations exist any operator may act on
 * any lot; the organisation-membership check (caller's role in the lot's organisation ≥ `role`)
 * replaces the body of this function and nothing else.
 */
export async function authorizeLot(_db: Db, caller: Caller, _lotId: string | null, _role: OperatorRole): Promise<void> {
  if (caller.role !== "operator") throw new ApiError("forbidden", "Only operators may do this");
}
