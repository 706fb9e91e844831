import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { listLots } from "@/db/queries/lots";
import { netPaid } from "@/db/queries/payments";
import { listReservations, type ReservationWithSpot } from "@/db/queries/reservations";
import type { Lot, ReservationStatus } from "@/db/schema";
import { driverPassIfIssued } from "@/lib/gates/driver-pass";
import { canTransition } from "@/lib/lifecycle/state-machine";
import { getSessionCaller } from "@/lib/auth/session";
import { paymentProvider } from "@/lib/payments";
import { cancellationRefund } from "@/lib/refunds/cancellation-refund";
import {
  formatDateTime,
  formatDuration,
  formatMoney,
  formatRange,
  formatTime,
  VEHICLE_LABELS,
  zoneAbbreviation,
} from "@/components/format";
import { GatePass } from "@/components/gates/gate-pass";
import { CancelControl } from "@/components/reservations/cancel-control";
import { PayControl, type TestCard } from "@/components/reservations/pay-control";
import { StatusBadge } from "@/components/ui/status-badge";
import { VehicleIcon } from "@/components/ui/vehicle-icon";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "My reservations" };

const PAGE_SIZE = 50;
// Mirrors cancelReservation's rule, which decides; this only chooses whether to offer the button.
const cancellable = (status: ReservationStatus) => canTransition(status, "cancelled");
// The demo processor's cards (lib/payments/demo-provider.ts), so a visitor can try the whole flow.
const DEMO_CARDS: TestCard[] = [
  { number: "4242 4242 4242 4242", outcome: "pays" },
  { number: "4000 0000 0000 0002", outcome: "is declined" },
];

/** What cancelling now would give back, by the same rule cancelReservation applies. */
async function refundNote(r: ReservationWithSpot, lot: Lot, now: Date) {
  const paid = await netPaid(await getDb(), r.id);
  const refund = cancellationRefund(paid, r.startTime, now, {
    fullRefundMinutesBefore: lot.cancelFullRefundMinutesBefore,
    lateRefundPercent: lot.cancelLateRefundPercent,
  });
  if (paid === 0) return `Refund if you cancel now: ${formatMoney(0, r.currency)} — nothing has been charged yet.`;
  return `Refund if you cancel now: ${formatMoney(refund, r.currency)} of ${formatMoney(paid, r.currency)} paid.`;
}

export default async function ReservationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const caller = await getSessionCaller();
  if (!caller) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/reservations")}`);
  const { booked } = await searchParams;
  const db = await getDb();
  const [rows, lots] = await Promise.all([listReservations(db, { userId: caller.id, limit: PAGE_SIZE }), listLots(db)]);
  const lotById = new Map(lots.map((l) => [l.id, l]));
  const items = rows.slice(0, PAGE_SIZE);
  const now = new Date();
  const notes = await Promise.all(
    items.map((r) => (cancellable(r.status) ? refundNote(r, lotById.get(r.lotId)!, now) : Promise.resolve(""))),
  );
  const passes = await Promise.all(
    items.map((r) => (r.status === "confirmed" || r.status === "checked_in" ? driverPassIfIssued(db, { id: caller.id, role: "driver" }, r.id) : null)),
  );
  const justBooked = items.find((r) => r.id === booked);
  const provider = paymentProvider();
  const testCards = provider?.name === "demo" ? DEMO_CARDS : null;

  return (
    <div>
      <header className="page-head">
        <h1>My reservations</h1>
        <p className="muted">Times are shown in each lot&apos;s local time.</p>
      </header>

      {justBooked && (justBooked.status === "pending_payment" || justBooked.status === "confirmed") && (
        <p className="alert alert-success" role="status">
          {justBooked.status === "pending_payment" ? (
            <>
              Spot <strong>{justBooked.spotLabel}</strong> at {lotById.get(justBooked.lotId)?.name} is held for you. Pay below to
              confirm it.
            </>
          ) : (
            <>
              Booked! Spot <strong>{justBooked.spotLabel}</strong> at {lotById.get(justBooked.lotId)?.name} is yours.
            </>
          )}
        </p>
      )}

      {items.length === 0 ? (
        <div className="card empty">
          <p>You have no reservations yet.</p>
          <Link href="/" className="button button-primary">
            Find a spot
          </Link>
        </div>
      ) : (
        <ul className="reservation-list">
          {items.map((r, i) => {
            const lot = lotById.get(r.lotId)!;
            return (
              <li
                key={r.id}
                className={`card reservation${r.id === booked ? " is-highlighted" : ""}`}
                data-testid="reservation"
              >
                <div className="reservation-main">
                  <div className="reservation-title">
                    <h2>
                      <Link href={`/lots/${lot.id}`}>{lot.name}</Link>
                    </h2>
                    <StatusBadge status={r.status} />
                  </div>
                  <p className="reservation-when">
                    {formatRange(r.startTime, r.endTime, lot.timeZone)}{" "}
                    <span className="muted">
                      ({zoneAbbreviation(lot.timeZone, r.startTime)} · {formatDuration(r.startTime, r.endTime)})
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
                    {r.cancelledAt && <li>Cancelled {formatDateTime(r.cancelledAt, lot.timeZone)}</li>}
                  </ul>
                  {r.status === "pending_payment" && r.holdExpiresAt && (
                    <p className={`hold-note${r.holdExpiresAt <= now ? " is-expired" : ""}`}>
                      {r.holdExpiresAt > now
                        ? `Spot held until ${formatTime(r.holdExpiresAt, lot.timeZone)} (lot time). Pay before then to keep it.`
                        : "The hold on this spot ended before payment. Book again to get a spot."}
                    </p>
                  )}
                  {passes[i] && <GatePass pass={passes[i]} spotLabel={r.spotLabel} timeZone={lot.timeZone} />}
                </div>
                <div className="reservation-side">
                  <strong className="reservation-amount">{formatMoney(r.amount, r.currency)}</strong>
                  <PayControl
                    reservationId={r.id}
                    amount={r.amount}
                    amountLabel={formatMoney(r.amount, r.currency)}
                    payable={r.status === "pending_payment" && !!provider && (!r.holdExpiresAt || r.holdExpiresAt > now)}
                    paid={r.status === "confirmed"}
                    testCards={testCards}
                  />
                  <CancelControl reservationId={r.id} cancellable={cancellable(r.status)} refundNote={notes[i]!} />
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {rows.length > PAGE_SIZE && <p className="muted small">Showing your {PAGE_SIZE} most recent reservations.</p>}
    </div>
  );
}
