import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { ledgerFor, netPaid } from "@/db/queries/payments";
import { canTransition } from "@/lib/lifecycle/state-machine";
import { cancel } from "@/lib/lifecycle/transitions";
import { ApiError } from "@/lib/errors";
import { authorizeReservation } from "@/lib/auth/lot-access";
import { auditBookingAct } from "@/lib/organisations/audit";
import type { Caller } from "@/lib/auth/caller";
import { movementStatus, queueRefund, settleEach } from "@/lib/payments/money-movements";
import { cancellationRefund } from "@/lib/refunds/cancellation-refund";
import { bookedPolicy } from "./booking-policy";

/**
 * Cancels in one transaction with the row locked, so two cancels (or a cancel racing a gate entry)
 * cannot both act. Cancelling an already-cancelled reservation answers the same result again.
 */
export async function cancelReservation(db: Db, caller: Caller, id: string, now = new Date()) {
  const { result, refunds } = await lifecycleTransaction(db, async (tx) => {
    // The driver, or a manager of the lot's organisation (a refund is money); anyone else: 404.
    const r = await authorizeReservation(tx, caller, id, { forUpdate: true, operatorRole: "manager" });
    const lot = (await findLot(tx, r.lotId))!;
    if (r.status === "cancelled") {
      const refunded = (await ledgerFor(tx, r.id)).filter(
        (p) => p.kind === "refund" && p.idempotencyKey.startsWith(`refund:cancel:${r.id}`),
      );
      const amount = refunded.reduce((s, p) => s + (p.status === "failed" ? 0 : p.amount), 0);
      return {
        result: { reservation_id: r.id, status: r.status, refund_amount: amount, currency: r.currency },
        refunds: refunded,
      };
    }
    if (!canTransition(r.status, "cancelled")) {
      throw new ApiError("invalid_state", `A reservation that is ${r.status.replace("_", " ")} cannot be cancelled`, {
        status: r.status,
      });
    }
    const policy = bookedPolicy(r, lot); // the terms shown at booking, not the lot's current ones
    const refund = cancellationRefund(await netPaid(tx, r.id), r.startTime, now, {
      fullRefundMinutesBefore: policy.cancel_full_refund_minutes_before,
      lateRefundPercent: policy.cancel_late_refund_percent,
    });
    // Before the transition, which updates `r` in place: the log keeps the booking as it was.
    await auditBookingAct(tx, caller, r, "reservation.cancelled", { status: "cancelled", refund_amount: refund });
    await cancel(tx, r, { cause: r.access === "driver" ? "driver" : "operator", actorId: caller.id, at: now });
    const refunds = await queueRefund(tx, r, refund, `refund:cancel:${r.id}`, "Cancellation refund");
    return {
      result: { reservation_id: r.id, status: "cancelled" as const, refund_amount: refund, currency: r.currency },
      refunds,
    };
  });
  // After the commit: the refund rows exist, so a crash here is finished by the sweeper, and a
  // processor failure is recorded on its row — the cancellation stands, the refund is pending.
  const settled = await settleEach(db, refunds);
  return { ...result, refund_status: movementStatus(settled.map((s) => s.status)) };
}
