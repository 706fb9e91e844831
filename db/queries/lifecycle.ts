import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { reservations, reservationTransitions, type NewReservation, type ReservationStatus } from "../schema";

type Patch = Partial<Pick<NewReservation, "holdExpiresAt" | "cancelledAt" | "checkedInAt" | "checkedOutAt" | "paymentMethodId">>;

/** The guarded UPDATE of a lifecycle edge: it moves the row only if it is still `from`. */
export async function moveReservationStatus(db: DbOrTx, id: string, from: ReservationStatus, to: ReservationStatus, at: Date, patch: Patch) {
  const [moved] = await db
    .update(reservations)
    .set({ ...patch, status: to, updatedAt: at })
    .where(and(eq(reservations.id, id), eq(reservations.status, from)))
    .returning({ id: reservations.id });
  return moved !== undefined;
}

export async function insertTransition(db: DbOrTx, row: typeof reservationTransitions.$inferInsert) {
  await db.insert(reservationTransitions).values(row);
}
