import { and, asc, count, eq, gt, inArray, like, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { payments, reservations } from "../schema";
import { ACTIVE_STATUSES } from "./reservations";

// Moving a reservation's end on its spot (lib/reservations/extend-reservation.ts).

/** The start of the first other active booking of the spot after `after` and before `before`, if any. */
export async function nextBookingOnSpot(
  tx: DbOrTx,
  q: { spotId: string; exceptId: string; after: Date; before: Date },
) {
  const [next] = await tx
    .select({ start: reservations.startTime })
    .from(reservations)
    .where(
      and(
        eq(reservations.spotId, q.spotId),
        ne(reservations.id, q.exceptId),
        inArray(reservations.status, ACTIVE_STATUSES),
        gt(reservations.endTime, q.after),
        sql`${reservations.startTime} < ${q.before.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(reservations.startTime))
    .limit(1);
  return next ?? null;
}

/** Sets the reservation's end and amount; with `ifEndTime`, only while it still ends there. */
export async function setReservationEnd(
  tx: DbOrTx,
  id: string,
  set: { endTime: Date; amount: number },
  ifEndTime?: Date,
) {
  await tx
    .update(reservations)
    .set(set)
    .where(and(eq(reservations.id, id), ifEndTime ? eq(reservations.endTime, ifEndTime) : undefined));
}

/** How many of the reservation's ledger rows under this key (or its retries) failed. */
export async function failedPaymentsWithKey(tx: DbOrTx, reservationId: string, key: string): Promise<number> {
  const [declined] = await tx
    .select({ n: count() })
    .from(payments)
    .where(
      and(
        eq(payments.reservationId, reservationId),
        eq(payments.status, "failed"),
        like(payments.idempotencyKey, `${key}%`),
      ),
    );
  return declined!.n;
}
