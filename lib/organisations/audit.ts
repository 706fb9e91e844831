import type { DbOrTx } from "@/db/client";
import { insertAudit } from "@/db/queries/audit";
import type { ReservationForCaller } from "@/db/queries/reservation-access";

const snapshot = (r: Pick<ReservationForCaller, "status" | "startTime" | "endTime" | "amount" | "currency" | "userId" | "lotId">) => ({
  status: r.status,
  user_id: r.userId,
  lot_id: r.lotId,
  start_time: r.startTime.toISOString(),
  end_time: r.endTime.toISOString(),
  amount: r.amount,
  currency: r.currency,
});

/**
 * An operator acting on a driver's booking (in their own organisation's lot: the access check
 * already made sure) leaves a line in the organisation's audit log, in the same transaction as the act.
 * The driver's own acts are the reservation's transitions, not the organisation's audit.
 */
export async function auditBookingAct(
  tx: DbOrTx,
  actor: { id: string },
  r: ReservationForCaller,
  action: string,
  after: Record<string, unknown>,
) {
  if (r.access === "driver") return;
  const before = snapshot(r);
  await insertAudit(tx, { organisationId: r.organisationId, actorId: actor.id, action, targetType: "reservation", targetId: r.id, before, after: { ...before, ...after } });
}
