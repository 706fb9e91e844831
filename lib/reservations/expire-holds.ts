import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import type { Db } from "@/db/client";
import { lapsedHoldsForUpdate } from "@/db/queries/holds";
import type { VehicleType } from "@/db/schema";
import { expireHold } from "@/lib/lifecycle/transitions";

/**
 * Expires unpaid holds past their deadline, except those with a payment in flight (a pending ledger
 * row): the processor may still say yes, and the spot must then still be theirs.
 * Runs before allocation (so a lapsed hold never blocks a new booking) and from the scheduler.
 */
export async function expireStaleHolds(
  db: Db,
  scope: { lotId?: string; vehicleType?: VehicleType } = {},
  now = new Date(),
) {
  return lifecycleTransaction(db, async (tx) => {
    const due = await lapsedHoldsForUpdate(tx, scope, now);
    for (const r of due)
      await expireHold(tx, r, { cause: "scheduler", at: now, note: "Not paid before the hold ended" });
    return due.map((r) => r.id);
  });
}
