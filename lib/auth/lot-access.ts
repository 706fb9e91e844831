import type { DbOrTx } from "@/db/client";
import { findGate } from "@/db/queries/gates";
import { findLotWithRole, membershipRole } from "@/db/queries/organisations";
import { findReservationFor } from "@/db/queries/reservation-access";
import type { OrganisationRole } from "@/db/schema";
import { ApiError } from "@/lib/errors";

/**
 * The one authorisation rule for everything an operator does. An organisation's lots, gates and
 * bookings exist only for its members: anyone else is told "not found" (404), so ids of other
 * organisations cannot be probed. A member whose role is too low is told so (403).
 *
 *   owner     everything, money and members
 *   manager   lots, spots, rates, gates, refunds
 *   attendant live view, manual barrier open with a reason; no settings or money
 */
/** Roles in an organisation, highest first: each includes the ones after it. */
export const OPERATOR_ROLES = ["owner", "manager", "attendant"] as const satisfies readonly OrganisationRole[];
export type OperatorRole = OrganisationRole;

export const ROLE_RANK: Record<OrganisationRole, number> = { attendant: 1, manager: 2, owner: 3 };

export const hasRole = (role: OrganisationRole | null | undefined, min: OrganisationRole) =>
  !!role && ROLE_RANK[role] >= ROLE_RANK[min];

type Who = { id: string };

function tooLow(min: OrganisationRole): ApiError {
  return new ApiError("forbidden", `This needs the ${min} role (or higher) in the lot's organisation`, {
    required_role: min,
  });
}

export async function authorizeLot(db: DbOrTx, caller: Who, lotId: string, minRole: OrganisationRole) {
  const row = await findLotWithRole(db, caller.id, lotId);
  if (!row?.role) throw new ApiError("not_found", "Lot not found");
  if (!hasRole(row.role, minRole)) throw tooLow(minRole);
  return { lot: row.lot, role: row.role };
}

export async function authorizeGate(db: DbOrTx, caller: Who, gateId: string, minRole: OrganisationRole) {
  const gate = await findGate(db, gateId);
  const row = gate ? await findLotWithRole(db, caller.id, gate.lotId) : null;
  if (!gate || !row?.role) throw new ApiError("not_found", "Gate not found");
  if (!hasRole(row.role, minRole)) throw tooLow(minRole);
  return { gate, lot: row.lot, role: row.role };
}

export async function authorizeOrganisation(
  db: DbOrTx,
  caller: Who,
  organisationId: string,
  minRole: OrganisationRole,
) {
  const role = await membershipRole(db, caller.id, organisationId);
  if (!role) throw new ApiError("not_found", "Organisation not found");
  if (!hasRole(role, minRole))
    throw new ApiError("forbidden", `This needs the ${minRole} role in this organisation`, { required_role: minRole });
  return role;
}

/**
 * A reservation the caller may act on: their own, or (with `operatorRole`) one in a lot of their
 * organisation where their role is at least that. `operatorRole: null` means only the driver may do
 * it (paying, extending: money the driver must have agreed to).
 */
export async function authorizeReservation(
  db: DbOrTx,
  caller: Who,
  id: string,
  opts: { forUpdate?: boolean; operatorRole: OrganisationRole | null },
) {
  const r = await findReservationFor(db, caller, id, { forUpdate: opts.forUpdate });
  if (!r) throw new ApiError("not_found", "Reservation not found");
  if (r.access === "driver") return r;
  if (!opts.operatorRole) throw new ApiError("forbidden", "Only the driver who booked can do this");
  if (!hasRole(r.access, opts.operatorRole)) throw tooLow(opts.operatorRole);
  return r;
}
