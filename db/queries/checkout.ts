import { and, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { reservations, users } from "../schema";

// The reservation and user writes of paying a hold (lib/payments/pay-reservation.ts).

/** Counts one more payment attempt on the reservation; returns the new count (part of the confirm key). */
export async function countPaymentAttempt(tx: DbOrTx, reservationId: string): Promise<number> {
  const [attempt] = await tx
    .update(reservations)
    .set({ paymentAttempts: sql`${reservations.paymentAttempts} + 1` })
    .where(eq(reservations.id, reservationId))
    .returning({ n: reservations.paymentAttempts });
  return attempt!.n;
}

export async function findPayer(tx: DbOrTx, userId: string) {
  const [user] = await tx.select().from(users).where(eq(users.id, userId));
  return user ?? null;
}

/** Keeps the first processor customer made for the user (a concurrent payment may have made one too). */
export async function setStripeCustomerIfUnset(db: DbOrTx, userId: string, customerId: string) {
  await db
    .update(users)
    .set({ stripeCustomerId: customerId })
    .where(and(eq(users.id, userId), isNull(users.stripeCustomerId)));
}

export async function setReservationPaymentIntent(db: DbOrTx, reservationId: string, paymentIntentId: string) {
  await db
    .update(reservations)
    .set({ stripePaymentIntentId: paymentIntentId })
    .where(eq(reservations.id, reservationId));
}
