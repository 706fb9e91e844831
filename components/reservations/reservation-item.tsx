import Link from "next/link";
import type { MyReservation } from "@/db/queries/my-reservations";
import { canTransition } from "@/lib/lifecycle/state-machine";
import { cancellationRefund } from "@/lib/refunds/cancellation-refund";
import { instantToLocalInput } from "@/lib/time/zoned-time";
import {
  describeTimeZone,
  formatDateTime,
  formatDuration,
  formatMoney,
  formatRange,
  formatTime,
  VEHICLE_LABELS,
  zoneAbbreviation,
} from "@/components/format";
import { GatePass } from "@/components/gates/gate-pass";
import { StatusBadge } from "@/components/ui/status-badge";
import { VehicleIcon } from "@/components/ui/vehicle-icon";
import { CancelControl } from "./cancel-control";
import { ExtendControl } from "./extend-control";
import type { SavedCard } from "@/lib/payments/provider";
import { PayControl, type TestCard } from "./pay-control";

export type PaymentOptions = {
  testCards: TestCard[] | null;
  publishableKey: string | null;
  available: boolean;
  /** The driver's saved cards (with a publishable key); null when Stripe could not be asked. */
  savedCards: SavedCard[] | null;
};

/** What cancelling now would give back, by the same rule cancelReservation applies, from the ledger. */
function refundNote(r: MyReservation, now: Date) {
  const paid = r.paid - r.refunded;
  if (paid <= 0) return `Refund if you cancel now: ${formatMoney(0, r.currency)} — nothing has been charged yet.`;
  const refund = cancellationRefund(paid, r.startTime, now, {
    fullRefundMinutesBefore: r.cancelFullRefundMinutesBefore,
    lateRefundPercent: r.cancelLateRefundPercent,
  });
  return `Refund if you cancel now: ${formatMoney(refund, r.currency)} of ${formatMoney(paid, r.currency)} paid.`;
}

const MOVE_CAUSE = {
  overstay: "the car before you is staying late",
  out_of_service: "spot {from} is out of service",
} as const;

/** Why the driver's spot changed, or may be taken when they arrive. */
function spotChangeNote(r: MyReservation) {
  const c = r.spotChange;
  if (!c || (r.status !== "pending_payment" && r.status !== "confirmed")) return null;
  const cause = MOVE_CAUSE[c.reason].replace("{from}", c.from);
  return c.flagged
    ? `Spot ${c.from} may still be taken when you arrive (${cause}) and no other spot of your type is free. The attendant will direct you; your pass still opens the gate.`
    : `Your spot changed from ${c.from} to ${r.spotLabel}: ${cause}. Your pass and plate already know the new spot.`;
}

/** The lines drawn under the QR code on the downloaded pass. */
export function passLines(r: MyReservation) {
  return [
    r.lotName,
    `Spot ${r.spotLabel} · ${VEHICLE_LABELS[r.vehicleType]}`,
    `${formatRange(r.startTime, r.endTime, r.timeZone)} (${zoneAbbreviation(r.timeZone, r.startTime)})`,
    r.licensePlate ? `Plate ${r.licensePlate}` : "No plate on file: show this code",
  ];
}

/** One booking as its driver manages it: when and where, money from the ledger, and what can be done now. */
export function ReservationItem({
  r,
  now,
  payment,
  highlighted = false,
  passOpen = false,
  heading: Heading = "h2",
}: {
  r: MyReservation;
  now: Date;
  payment: PaymentOptions;
  highlighted?: boolean;
  passOpen?: boolean;
  heading?: "h2" | "h3";
}) {
  const cancellable = canTransition(r.status, "cancelled");
  const holdLive = !r.holdExpiresAt || r.holdExpiresAt > now;
  return (
    <li className={`card reservation${highlighted ? " is-highlighted" : ""}`} data-testid="reservation">
      <div className="reservation-main">
        <div className="reservation-title">
          <Heading>
            <Link href={`/reservations/${r.id}`}>{r.lotName}</Link>
          </Heading>
          <StatusBadge status={r.status} />
        </div>
        <p className="reservation-when">
          {formatRange(r.startTime, r.endTime, r.timeZone)}{" "}
          <span className="muted">
            ({zoneAbbreviation(r.timeZone, r.startTime)} · {formatDuration(r.startTime, r.endTime)})
          </span>
        </p>
        <ul className="reservation-meta">
          <li>
            Spot <strong>{r.spotLabel}</strong>
          </li>
          <li>
            <VehicleIcon type={r.vehicleType} size={16} /> {VEHICLE_LABELS[r.vehicleType]}
          </li>
          {r.licensePlate && (
            <li>
              Plate <span className="plate">{r.licensePlate}</span>
            </li>
          )}
          {r.cancelledAt && <li>Cancelled {formatDateTime(r.cancelledAt, r.timeZone)}</li>}
        </ul>
        {spotChangeNote(r) && (
          <p className="alert alert-info" role="status" data-testid="spot-change">
            {spotChangeNote(r)}
          </p>
        )}
        {r.refunded > 0 && (
          <p className="refund-note" data-testid="refund">
            Refunded {formatMoney(r.refunded, r.currency)} of {formatMoney(r.paid, r.currency)} paid.
          </p>
        )}
        {r.status === "pending_payment" && r.holdExpiresAt && (
          <p className={`hold-note${holdLive ? "" : " is-expired"}`}>
            {holdLive
              ? `Spot held until ${formatTime(r.holdExpiresAt, r.timeZone)} (lot time). Pay before then to keep it.`
              : "The hold on this spot ended before payment. Book again to get a spot."}
          </p>
        )}
        {(r.status === "confirmed" || r.status === "checked_in") && (
          <GatePass
            reservationId={r.id}
            spotLabel={r.spotLabel}
            lines={passLines(r)}
            timeZone={r.timeZone}
            open={passOpen}
          />
        )}
      </div>
      <div className="reservation-side">
        <strong className="reservation-amount">{formatMoney(r.amount, r.currency)}</strong>
        <PayControl
          reservationId={r.id}
          amount={r.amount}
          currency={r.currency}
          amountLabel={formatMoney(r.amount, r.currency)}
          payable={r.status === "pending_payment" && payment.available && holdLive}
          paid={r.status === "confirmed"}
          testCards={payment.testCards}
          publishableKey={payment.publishableKey}
          savedCards={payment.savedCards}
        />
        {(r.status === "confirmed" || r.status === "checked_in") && r.endTime > now && (
          <ExtendControl
            reservationId={r.id}
            currentEnd={instantToLocalInput(r.endTime, r.timeZone)}
            zoneLabel={describeTimeZone(r.timeZone, r.endTime)}
          />
        )}
        <CancelControl
          reservationId={r.id}
          cancellable={cancellable}
          refundNote={cancellable ? refundNote(r, now) : ""}
        />
      </div>
    </li>
  );
}
