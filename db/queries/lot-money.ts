import { and, count, eq, inArray, or } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { payments, reservations } from "../schema";
import { ACTIVE_STATUSES } from "./reservations";

/**
 * Bookings of a lot whose money is not settled yet: still holding a spot (unpaid, upcoming, parked)
 * or with a movement the processor has not finished (pending, needs_attention). Their amounts are
 * in the lot's current currency, which therefore cannot change under them.
 */
export async function unfinishedBookings(db: DbOrTx, lotId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(reservations)
    .where(
      and(
        eq(reservations.lotId, lotId),
        or(
          inArray(reservations.status, ACTIVE_STATUSES),
          inArray(
            reservations.id,
            db
              .select({ id: payments.reservationId })
              .from(payments)
              .where(inArray(payments.status, ["pending", "needs_attention"])),
          ),
        ),
      ),
    );
  return row?.n ?? 0;
}
