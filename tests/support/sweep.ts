import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { payments } from "@/db/schema";
import { sweepPendingPayments } from "@/lib/payments/sweep-pending";

/**
 * Runs the payments sweeper over these reservations' pending rows only: they are dated back an
 * hour and made due now, and swept with a 30-minute threshold, so the (seconds-old) rows of test
 * files running at the same time are left alone.
 */
export async function sweepRowsOf(reservationIds: string[]) {
  const db = await getDb();
  await db
    .update(payments)
    .set({
      createdAt: sql`now() - interval '1 hour'`,
      nextAttemptAt: sql`case when ${payments.nextAttemptAt} is null then null else now() - interval '1 second' end`,
    })
    .where(and(inArray(payments.reservationId, reservationIds), eq(payments.status, "pending")));
  return sweepPendingPayments(db, 30 * 60);
}
