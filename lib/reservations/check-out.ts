import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { netPaid } from "@/db/queries/payments";
import { findReservation } from "@/db/queries/reservations";
import { checkIn, complete, type TransitionContext } from "@/lib/lifecycle/transitions";
import { ApiError } from "@/lib/errors";
import { queueCharge, queueRefund, settleAll } from "@/lib/payments/money-movements";
import { earlyDepartureRefund } from "@/lib/refunds/early-departure";
import { overstayCharge } from "@/lib/refunds/overstay";
import { boundReplayMoney, type ExitMoney } from "@/lib/refunds/replay-bound";
import { bookedPolicy } from "./booking-policy";
import { bookedPlan } from "./price-booking";

export type CheckOutResult = {
  reservation_id: string;
  status: "completed";
  refund_amount: number;
  pending_charges: number;
  currency: string;
  /** True when this call completed the reservation; false when it had already been completed. */
  changed: boolean;
};

/**
 * checked_in → completed when the car leaves. Before the booked end, the unused time is refunded
 * (the used time re-priced with the plan the driver booked at); past end + tolerance, the overstay
 * is charged off-session. The spot is free for new bookings from this commit on. The row lock and
 * the status check make a concurrent cancel, a replayed exit event or a second call move no money.
 */
export async function checkOut(
  db: Db,
  reservationId: string,
  actualEnd: Date,
  ctx: Omit<TransitionContext, "at"> & { /** When a replayed (offline) exit reached the server. */ arrivedAt?: Date },
): Promise<CheckOutResult> {
  const { result, movements } = await lifecycleTransaction(db, async (tx) => {
    const r = await findReservation(tx, reservationId, { forUpdate: true });
    if (!r) throw new ApiError("not_found", "Reservation not found");
    if (r.status === "completed") {
      return {
        result: {
          reservation_id: r.id,
          status: "completed" as const,
          refund_amount: 0,
          pending_charges: 0,
          currency: r.currency,
          changed: false,
        },
        movements: [],
      };
    }
    if (r.status !== "checked_in" && r.status !== "confirmed") {
      throw new ApiError("invalid_state", `A reservation that is ${r.status.replace("_", " ")} cannot be checked out`, {
        status: r.status,
      });
    }
    const lot = (await findLot(tx, r.lotId))!;
    // A car cannot leave before it could have entered: gates open gateEntryMarginMinutes before the
    // start. An exit read earlier than that for a booking never checked in is another car, a
    // misread plate or a replay with a wrong clock — completing (and refunding) on it would hand the
    // booking's money back while its spot still waits for the driver.
    const earliestEntry = r.startTime.getTime() - lot.gateEntryMarginMinutes * 60_000;
    if (r.status === "confirmed" && actualEnd.getTime() < earliestEntry) {
      throw new ApiError(
        "invalid_state",
        "This booking has not started: an exit cannot be recorded before its entry window",
        {
          status: r.status,
          entry_opens_at: new Date(earliestEntry).toISOString(),
        },
      );
    }
    const { plan, occupancy } = bookedPlan(r, lot);
    const policy = bookedPolicy(r, lot); // tolerance and overstay cap as shown at booking
    const paidAmount = await netPaid(tx, r.id);
    const moneyAt = (at: Date): ExitMoney => ({
      refund: earlyDepartureRefund({
        plan,
        vehicleType: r.vehicleType,
        timeZone: lot.timeZone,
        occupancy,
        start: r.startTime,
        end: r.endTime,
        paidAmount,
        actualEnd: at,
      }),
      charge: overstayCharge({
        plan,
        vehicleType: r.vehicleType,
        timeZone: lot.timeZone,
        end: r.endTime,
        actualEnd: at,
        toleranceMinutes: policy.overstay_tolerance_minutes,
        dailyCap: policy.overstay_daily_cap,
      }).amount,
    });
    // A replayed offline exit moves no more money than a live read at its arrival could.
    const { refund, charge: overstay } = ctx.arrivedAt
      ? boundReplayMoney(moneyAt, actualEnd, ctx.arrivedAt)
      : moneyAt(actualEnd);
    if (r.status === "confirmed") {
      // The exit was read before the entry event was processed: record the entry first.
      await checkIn(tx, r, { cause: ctx.cause, at: r.checkedInAt ?? actualEnd, note: "Entry recorded at exit" });
    }
    await complete(tx, r, { cause: ctx.cause, actorId: ctx.actorId, note: ctx.note, at: actualEnd });
    const movements = [
      ...(await queueRefund(tx, r, refund, `refund:early:${r.id}`, "Early departure refund")),
      await queueCharge(tx, r, "adjustment", overstay, `overstay:${r.id}`, `Overstay until ${actualEnd.toISOString()}`),
    ];
    return {
      result: {
        reservation_id: r.id,
        status: "completed" as const,
        refund_amount: refund,
        pending_charges: overstay,
        currency: r.currency,
        changed: true,
      },
      movements,
    };
  });
  await settleAll(db, movements);
  return result;
}
