import type { DbOrTx } from "@/db/client";
import { lotIdsOfMember } from "@/db/queries/organisations";
import { authorizeLot } from "@/lib/auth/lot-access";
import { ApiError } from "@/lib/errors";

/**
 * Which reservations a listing may show. A driver sees their own. An operator filtering by lot must
 * be a member of its organisation (404 otherwise); without a lot, an operator sees the bookings in
 * their organisations' lots (their own bookings elsewhere with `user_id` = themselves).
 */
export async function reservationListScope(
  db: DbOrTx,
  caller: { id: string; role: string },
  q: { user_id?: string; lot_id?: string },
): Promise<{ userId?: string; lotId?: string; lotIds?: string[] }> {
  if (caller.role !== "operator") {
    if (q.user_id && q.user_id !== caller.id)
      throw new ApiError("forbidden", "Drivers can only list their own reservations");
    return { userId: caller.id, lotId: q.lot_id };
  }
  if (q.lot_id) {
    await authorizeLot(db, caller, q.lot_id, "attendant");
    return { userId: q.user_id, lotId: q.lot_id };
  }
  if (q.user_id === caller.id) return { userId: caller.id };
  return { userId: q.user_id, lotIds: await lotIdsOfMember(db, caller.id) };
}
