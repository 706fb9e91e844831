import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import {
  myReservationCounts,
  myReservationsPage,
  RESERVATION_TABS,
  type ReservationTab,
} from "@/db/queries/my-reservations";
import { getSessionCaller } from "@/lib/auth/session";
import { paymentOptions } from "@/components/reservations/payment-options";
import { ReservationItem } from "@/components/reservations/reservation-item";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "My reservations" };

const PAGE_SIZE = 20;
const TAB_LABELS: Record<ReservationTab, string> = { upcoming: "Upcoming", active: "Active now", past: "Past" };
const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

export default async function ReservationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const caller = await getSessionCaller();
  if (!caller) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/reservations")}`);
  const sp = await searchParams;
  const now = new Date();
  const db = await getDb();
  const asked = RESERVATION_TABS.find((t) => t === one(sp.tab));
  const page = Math.max(1, Math.min(10_000, Number.parseInt(one(sp.page) ?? "1", 10) || 1));
  const counts = await myReservationCounts(db, caller.id, now);
  // Someone parked right now wants that booking first; nobody wants to land on an empty tab.
  const tab: ReservationTab =
    asked ?? (counts.active > 0 ? "active" : counts.upcoming === 0 && counts.past > 0 ? "past" : "upcoming");
  const rows = await myReservationsPage(db, { userId: caller.id, tab, page, pageSize: PAGE_SIZE, now });
  const pages = Math.max(1, Math.ceil(counts[tab] / PAGE_SIZE));
  const payment = await paymentOptions(
    db,
    caller.id,
    rows.some((r) => r.status === "pending_payment"),
  );
  const href = (t: ReservationTab, p = 1) => `/reservations?tab=${t}${p > 1 ? `&page=${p}` : ""}`;

  return (
    <div>
      <header className="page-head">
        <h1>My reservations</h1>
        <p className="muted">Times are shown in each lot&apos;s local time.</p>
      </header>

      <nav aria-label="Reservation views" className="tabs">
        {RESERVATION_TABS.map((t) => (
          <Link
            key={t}
            href={href(t)}
            className={`tab${t === tab ? " is-current" : ""}`}
            aria-current={t === tab ? "page" : undefined}
          >
            {TAB_LABELS[t]} <span className="tab-count">{counts[t]}</span>
          </Link>
        ))}
      </nav>

      {rows.length === 0 ? (
        <div className="card empty">
          <p>
            {counts.upcoming + counts.active + counts.past === 0
              ? "You have no reservations yet."
              : `Nothing ${TAB_LABELS[tab].toLowerCase()}.`}
          </p>
          <Link href="/" className="button button-primary">
            Find a spot
          </Link>
        </div>
      ) : (
        <ul className="reservation-list">
          {rows.map((r) => (
            <ReservationItem key={r.id} r={r} now={now} payment={payment} />
          ))}
        </ul>
      )}

      {pages > 1 && (
        <nav aria-label="Pages" className="pager">
          {page > 1 ? <Link href={href(tab, page - 1)}>← Newer</Link> : <span />}
          <span className="muted small">
            Page {Math.min(page, pages)} of {pages}
          </span>
          {page < pages ? <Link href={href(tab, page + 1)}>Older →</Link> : <span />}
        </nav>
      )}
    </div>
  );
}
