import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { insertLedgerRows, ledgerFor, ledgersFor, netPaidOf, refundableOf } from "@/db/queries/payments";
import { findReservation, findReservationsForUpdate, type ReservationWithSpot } from "@/db/queries/reservations";
import type { Lot, NewPayment, Payment } from "@/db/schema";
import { checkIn, complete, completeMany, type TransitionContext } from "@/lib/lifecycle/transitions";
import { ApiError } from "@/lib/errors";
import { chargeRow, refundRows, settleAll, settleLater, settleNow } from "@/lib/payments/money-movements";
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
    const ledger = await ledgerFor(tx, r.id);
    const money = exitMoney(r, lot, netPaidOf(ledger), actualEnd, ctx.arrivedAt);
    if (r.status === "confirmed") {
      // The exit was read before the entry event was processed: record the entry first.
      await checkIn(tx, r, { cause: ctx.cause, at: r.checkedInAt ?? actualEnd, note: "Entry recorded at exit" });
    }
    await complete(tx, r, { cause: ctx.cause, actorId: ctx.actorId, note: ctx.note, at: actualEnd });
    const movements = await insertLedgerRows(tx, exitRows(r, ledger, money, actualEnd));
    return {
      result: {
        reservation_id: r.id,
        status: "completed" as const,
        refund_amount: money.refund,
        pending_charges: money.charge,
        currency: r.currency,
        changed: true,
      },
      movements,
    };
  });
  await settleAll(db, movements);
  return result;
}

/**
 * The money an exit at `actualEnd` moves: the early-departure refund of the unused time (the used
 * time re-priced with the plan booked at) and the overstay charge past end + tolerance. A replayed
 * offline exit (`arrivedAt`) moves no more than a live read at its arrival could.
 */
function exitMoney(r: ReservationWithSpot, lot: Lot, paidAmount: number, actualEnd: Date, arrivedAt?: Date): ExitMoney {
  const { plan, occupancy } = bookedPlan(r, lot);
  const policy = bookedPolicy(r, lot); // tolerance and overstay cap as shown at booking
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
  return arrivedAt ? boundReplayMoney(moneyAt, actualEnd, arrivedAt) : moneyAt(actualEnd);
}

/**
 * The pending ledger rows of an exit's money: its refund over the charges still refundable, and its
 * overstay charge. The same keys for one car and for a batch, so a key is never written twice
 * whichever path settles the exit.
 */
function exitRows(r: ReservationWithSpot, ledger: Payment[], money: ExitMoney, actualEnd: Date): NewPayment[] {
  const overstay = chargeRow(
    r,
    "adjustment",
    money.charge,
    `overstay:${r.id}`,
    `Overstay until ${actualEnd.toISOString()}`,
  );
  return [
    ...refundRows(r, money.refund, `refund:early:${r.id}`, "Early departure refund", refundableOf(ledger)),
    ...(overstay ? [overstay] : []),
  ];
}

export type Exit = { reservationId: string; lotId: string; actualEnd: Date; note: string };

/**
 * checkOut for a batch of live exits (the gate recorder's) in a few statements per lot, however
 * many cars: one transaction locks every reservation, reads their lots and ledgers, completes them
 * in one statement (completeMany) and writes all their refunds and overstay charges in one insert.
 * The processor is asked for that money afterwards: in the background (settleLater), so that the
 * gate recorder does not wait on it, or before returning (`settle: "now"`). The money is checkOut's to the yen (exitMoney, the same ledger keys). Only
 * the common case is taken: a car checked in, in the lot whose gate read it, read once in the batch.
 * Every other exit — not checked in yet, already completed, cancelled, another lot, a second read of
 * one car — is returned in `rest`, for checkOut to answer one at a time as it always has.
 */
export async function checkOutMany(
  db: Db,
  exits: Exit[],
  cause: TransitionContext["cause"],
  opts: { settle: "now" | "later" } = { settle: "later" },
): Promise<{ done: CheckOutResult[]; rest: Exit[] }> {
  const first = new Map<string, Exit>();
  for (const e of exits) if (!first.has(e.reservationId)) first.set(e.reservationId, e);
  const { done, movements, taken } = await lifecycleTransaction(db, async (tx) => {
    const inside = (await findReservationsForUpdate(tx, [...first.keys()])).filter(
      (r) => r.status === "checked_in" && r.lotId === first.get(r.id)!.lotId,
    );
    const taken = new Set(inside.map((r) => r.id));
    if (inside.length === 0) return { done: [], movements: [], taken };
    const lots = new Map<string, Lot>();
    for (const id of new Set(inside.map((r) => r.lotId))) lots.set(id, (await findLot(tx, id))!);
    const ledgers = await ledgersFor(
      tx,
      inside.map((r) => r.id),
    );
    const rows: NewPayment[] = [];
    const done: CheckOutResult[] = [];
    for (const r of inside) {
      const { actualEnd } = first.get(r.id)!;
      const ledger = ledgers.get(r.id)!;
      const money = exitMoney(r, lots.get(r.lotId)!, netPaidOf(ledger), actualEnd);
      rows.push(...exitRows(r, ledger, money, actualEnd));
      done.push({
        reservation_id: r.id,
        status: "completed",
        refund_amount: money.refund,
        pending_charges: money.charge,
        currency: r.currency,
        changed: true,
      });
    }
    await completeMany(
      tx,
      inside.map((r) => ({
        id: r.id,
        lotId: r.lotId,
        at: first.get(r.id)!.actualEnd,
        note: first.get(r.id)!.note,
        row: r,
      })),
      { cause },
    );
    return { done, movements: await insertLedgerRows(tx, rows), taken };
  });
  if (opts.settle === "now") await settleNow(db, movements);
  else settleLater(db, movements);
  const rest = exits.filter((e) => !taken.has(e.reservationId) || first.get(e.reservationId) !== e);
  return { done, rest };
}
