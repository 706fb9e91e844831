import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { payments } from "../schema";

/** What the driver has paid net of refunds, from the ledger's succeeded rows. */
export async function netPaid(db: DbOrTx, reservationId: string): Promise<number> {
  const [row] = await db
    .select({
      net: sql<number>`coalesce(sum(case when ${payments.kind} = 'refund' then -${payments.amount} else ${payments.amount} end), 0)::int`,
    })
    .from(payments)
    .where(and(eq(payments.reservationId, reservationId), eq(payments.status, "succeeded")));
  return row?.net ?? 0;
}
