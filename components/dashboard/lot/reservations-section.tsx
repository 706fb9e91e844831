import Link from "next/link";
import { getDb } from "@/db/client";
import { searchLotReservations } from "@/db/queries/dashboard";
import { reservationStatusEnum, type Lot, type ReservationStatus } from "@/db/schema";
import { localToInstant } from "@/lib/time/zoned-time";
import { STATUS_LABELS } from "@/components/format";
import { BookingTable } from "./booking-table";

const PAGE_SIZE = 25;
const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

/** A lot's reservations: search by plate, spot or driver, filter by status and lot dates, page by page (all in the URL). */
export async function ReservationsSection({
  lot,
  sp,
  pageHref,
}: {
  lot: Lot;
  sp: Record<string, string | string[] | undefined>;
  pageHref: (params: Record<string, string>) => string;
}) {
  const q = one(sp.q)?.trim().slice(0, 100) || undefined;
  const status = reservationStatusEnum.enumValues.find((s) => s === one(sp.status)) as ReservationStatus | undefined;
  const fromLocal = one(sp.from);
  const toLocal = one(sp.to);
  const from = fromLocal ? (localToInstant(`${fromLocal}T00:00`, lot.timeZone) ?? undefined) : undefined;
  const to = toLocal ? (localToInstant(`${toLocal}T00:00`, lot.timeZone) ?? undefined) : undefined;
  const page = Math.max(1, Number.parseInt(one(sp.page) ?? "1", 10) || 1);
  const { rows, total } = await searchLotReservations(await getDb(), lot.id, {
    q,
    status,
    from,
    to: to ? new Date(to.getTime() + 86_400_000) : undefined,
    page,
    pageSize: PAGE_SIZE,
  });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const keep = Object.fromEntries(
    Object.entries({ q, status, from: fromLocal, to: toLocal }).filter((e): e is [string, string] => !!e[1]),
  );
  return (
    <section className="card" aria-labelledby="res-heading">
      <h2 id="res-heading">Reservations</h2>
      <form className="filter-form" method="get" role="search" aria-label="Filter reservations">
        <input type="hidden" name="section" value="reservations" />
        <div className="field">
          <label htmlFor="res-q">Plate, spot or driver</label>
          <input id="res-q" name="q" type="search" defaultValue={q ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="res-status">Status</label>
          <select id="res-status" name="status" defaultValue={status ?? ""}>
            <option value="">Any</option>
            {reservationStatusEnum.enumValues.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="res-from">From (lot date)</label>
          <input id="res-from" name="from" type="date" defaultValue={fromLocal ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="res-to">To (lot date)</label>
          <input id="res-to" name="to" type="date" defaultValue={toLocal ?? ""} />
        </div>
        <button type="submit" className="button button-secondary">
          Filter
        </button>
      </form>
      <p className="muted small" role="status">
        {total} reservation{total === 1 ? "" : "s"}
      </p>
      {rows.length > 0 && <BookingTable label="Reservations" rows={rows} timeZone={lot.timeZone} withDate />}
      {pages > 1 && (
        <nav aria-label="Pages" className="pager">
          {page > 1 ? <Link href={pageHref({ ...keep, page: String(page - 1) })}>← Previous</Link> : <span />}
          <span className="muted small">
            Page {page} of {pages}
          </span>
          {page < pages ? <Link href={pageHref({ ...keep, page: String(page + 1) })}>Next →</Link> : <span />}
        </nav>
      )}
    </section>
  );
}
