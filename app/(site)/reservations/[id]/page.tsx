import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { listSpots } from "@/db/queries/lots";
import { myReservation } from "@/db/queries/my-reservations";
import { ledgerFor } from "@/db/queries/payments";
import { findReservationFor } from "@/db/queries/reservation-access";
import { getSessionCaller } from "@/lib/auth/session";
import { SpotMap } from "@/components/lots/spot-map";
import { paymentOptions } from "@/components/reservations/payment-options";
import { Receipt } from "@/components/reservations/receipt";
import { ReservationItem } from "@/components/reservations/reservation-item";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your reservation" };

export default async function ReservationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const caller = await getSessionCaller();
  if (!caller) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/reservations/${id}`)}`);
  if (!z.uuid().safeParse(id).success) notFound();
  const db = await getDb();
  // Its driver's, or a member's of the lot's organisation; anyone else's is reported as missing, as
  // the API does: ids are not to be probed (an operator of another organisation included).
  const [r, access] = await Promise.all([myReservation(db, id), findReservationFor(db, caller, id)]);
  if (!r || !access) notFound();
  const [spots, ledger] = await Promise.all([listSpots(db, r.lotId), ledgerFor(db, r.id)]);
  const levelSpots = spots.filter((s) => s.level === r.spotLevel);
  const now = new Date();
  const live = r.status === "confirmed" || r.status === "checked_in" || r.status === "pending_payment";
  // Saved cards are the driver's own: asked for only when they have this booking to pay.
  const payment = await paymentOptions(db, caller.id, r.status === "pending_payment" && r.userId === caller.id);

  return (
    <div className="confirmation">
      <nav aria-label="Breadcrumb" className="breadcrumb no-print">
        <Link href="/reservations">My reservations</Link> <span aria-hidden="true">/</span>{" "}
        <span aria-current="page">{r.lotName}</span>
      </nav>
      <header className="page-head">
        <h1>
          {r.status === "pending_payment"
            ? "Your spot is held — pay to confirm it"
            : r.status === "confirmed"
              ? "You're booked"
              : r.status === "checked_in"
                ? "You're parked"
                : "Your reservation"}
        </h1>
        <p className="muted">
          Spot <strong>{r.spotLabel}</strong> on level {r.spotLevel} at {r.lotName}, {r.lotAddress}
        </p>
      </header>

      <ul className="reservation-list">
        <ReservationItem r={r} now={now} payment={payment} highlighted passOpen heading="h2" />
      </ul>

      {live && (
        <p className="button-row no-print">
          <a className="button button-secondary" href={`/reservations/${r.id}/calendar.ics`} download>
            Add to calendar (.ics)
          </a>
          <Link className="button button-secondary" href={`/lots/${r.lotId}`}>
            Lot details
          </Link>
        </p>
      )}

      <section className="card" aria-labelledby="where-heading">
        <h2 id="where-heading">Where you park</h2>
        <SpotMap
          spots={levelSpots}
          free={new Set(levelSpots.filter((s) => s.active).map((s) => s.id))}
          highlight={r.spotId}
        />
      </section>

      <Receipt ledger={ledger} currency={r.currency} timeZone={r.timeZone} reference={r.id.slice(0, 8).toUpperCase()} />
    </div>
  );
}
