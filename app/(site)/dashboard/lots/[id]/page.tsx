import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import {
  bookingsOnInactiveSpots,
  expectedArrivals,
  hourlyOccupancy,
  recentLedger,
  recentNoShows,
  revenueByDay,
  searchLotReservations,
} from "@/db/queries/dashboard";
import { listGateEvents, listGates } from "@/db/queries/gates";
import { findLotWithRole } from "@/db/queries/organisations";
import { activeSpotCounts, findLot, listSpots } from "@/db/queries/lots";
import { freeSpotCounts } from "@/db/queries/reservations";
import { reservationStatusEnum, type ReservationStatus } from "@/db/schema";
import { VEHICLE_TYPES } from "@/lib/api/schemas";
import { getSessionCaller } from "@/lib/auth/session";
import { lotRatePlan } from "@/lib/reservations/price-booking";
import { localToInstant, zonedDayBounds } from "@/lib/time/zoned-time";
import { describeTimeZone, formatDate, formatDateTime, formatMoney, formatTime, STATUS_LABELS, VEHICLE_LABELS } from "@/components/format";
import { ActionForm } from "@/components/dashboard/action-form";
import { OccupancyChart } from "@/components/dashboard/occupancy-chart";
import { RatePlanEditor } from "@/components/dashboard/rate-plan-editor";
import { LotSettingsForm } from "@/components/dashboard/lot-settings-form";
import { GatesPanel } from "@/components/dashboard/gates-panel";
import { setSpotService } from "@/app/actions/dashboard";
import { StatusBadge } from "@/components/ui/status-badge";
import { VehicleIcon } from "@/components/ui/vehicle-icon";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Manage lot" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };
const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
const PAGE_SIZE = 25;
const SECTIONS = ["today", "reservations", "spots", "gates", "money", "settings"] as const;
type Section = (typeof SECTIONS)[number];
const SECTION_LABELS: Record<Section, string> = {
  today: "Today",
  reservations: "Reservations",
  spots: "Spots",
  gates: "Gates",
  money: "Money",
  settings: "Settings & prices",
};

export default async function ManageLotPage({ params, searchParams }: Props) {
  const [{ id }, sp] = await Promise.all([params, searchParams]);
  const caller = await getSessionCaller();
  if (!caller) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/dashboard/lots/${id}`)}`);
  if (caller.role !== "operator") redirect("/dashboard");
  if (!z.uuid().safeParse(id).success) notFound();
  const db = await getDb();
  // Only for members of the lot's organisation: another organisation's lot is "not found", as in the API.
  const access = await findLotWithRole(db, caller.id, id);
  if (!access?.role) notFound();
  const { lot } = access;
  const now = new Date();
  const section: Section = SECTIONS.find((s) => s === one(sp.section)) ?? "today";
  const href = (s: Section, extra: Record<string, string> = {}) => `/dashboard/lots/${lot.id}?${new URLSearchParams({ section: s, ...extra })}`;

  return (
    <div>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/dashboard">Dashboard</Link> <span aria-hidden="true">/</span> <span aria-current="page">{lot.name}</span>
      </nav>
      <header className="page-head">
        <h1>{lot.name}</h1>
        <p className="muted">
          {formatDate(now, lot.timeZone)} · {formatTime(now, lot.timeZone)} · {describeTimeZone(lot.timeZone, now)} · {lot.currency}
        </p>
      </header>
      <nav aria-label="Lot sections" className="tabs">
        {SECTIONS.map((s) => (
          <Link key={s} href={href(s)} className={`tab${s === section ? " is-current" : ""}`} aria-current={s === section ? "page" : undefined}>
            {SECTION_LABELS[s]}
          </Link>
        ))}
      </nav>
      {section === "today" && <TodaySection lotId={lot.id} now={now} />}
      {section === "reservations" && <ReservationsSection lotId={lot.id} sp={sp} href={href} />}
      {section === "spots" && <SpotsSection lotId={lot.id} now={now} />}
      {section === "gates" && <GatesSection lotId={lot.id} />}
      {section === "money" && <MoneySection lotId={lot.id} now={now} />}
      {section === "settings" && (
        <div className="stack">
          <section className="card" aria-labelledby="settings-heading">
            <h2 id="settings-heading">Lot settings</h2>
            <LotSettingsForm lot={lot} />
          </section>
          <section className="card" aria-labelledby="plan-heading">
            <h2 id="plan-heading">Rate plan</h2>
            <RatePlanEditor
              lotId={lot.id}
              plan={lotRatePlan(lot)}
              currency={lot.currency}
              timeZone={lot.timeZone}
              previewDays={Array.from({ length: 7 }, (_, i) => {
                const d = zonedDayBounds(new Date(now.getTime() + i * 86_400_000), lot.timeZone).start;
                return { label: formatDate(d, lot.timeZone), start: d.toISOString() };
              })}
            />
          </section>
        </div>
      )}
    </div>
  );
}

async function lotOf(id: string) {
  return (await findLot(await getDb(), id))!;
}

function Table({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      <table className="day-table">{children}</table>
    </div>
  );
}

type Booking = Awaited<ReturnType<typeof expectedArrivals>>[number];

function BookingRows({ rows, timeZone, withDate = false }: { rows: Booking[]; timeZone: string; withDate?: boolean }) {
  return (
    <>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Spot</th>
          <th scope="col">Type</th>
          <th scope="col">Plate</th>
          <th scope="col">Driver</th>
          <th scope="col">Status</th>
          <th scope="col" className="num">
            Amount
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              {withDate ? formatDateTime(r.startTime, timeZone) : formatTime(r.startTime, timeZone)}–{formatTime(r.endTime, timeZone)}
            </td>
            <td>
              {r.spotLabel}
              {!r.spotActive && <span className="muted"> (out of service)</span>}
            </td>
            <td>{VEHICLE_LABELS[r.vehicleType]}</td>
            <td>{r.licensePlate ? <span className="plate">{r.licensePlate}</span> : <span className="muted">—</span>}</td>
            <td>{r.driverName}</td>
            <td>
              <StatusBadge status={r.status} />
            </td>
            <td className="num">{formatMoney(r.amount, r.currency)}</td>
          </tr>
        ))}
      </tbody>
    </>
  );
}

async function TodaySection({ lotId, now }: { lotId: string; now: Date }) {
  const db = await getDb();
  const lot = await lotOf(lotId);
  const day = zonedDayBounds(now, lot.timeZone);
  const [counts, freeNow, hours, arrivals, noShows, flagged] = await Promise.all([
    activeSpotCounts(db, [lot.id]).then((m) => m.get(lot.id)!),
    freeSpotCounts(db, lot.id, now, new Date(now.getTime() + 60_000)),
    hourlyOccupancy(db, lot.id, day.start, day.end),
    expectedArrivals(db, lot.id, now, new Date(now.getTime() + 3_600_000)),
    recentNoShows(db, lot.id, new Date(now.getTime() - 7 * 86_400_000), now),
    bookingsOnInactiveSpots(db, lot.id, now),
  ]);
  const hourCount = Math.round((day.end.getTime() - day.start.getTime()) / 3_600_000);
  const chart = Array.from({ length: hourCount }, (_, i) => {
    const at = new Date(day.start.getTime() + i * 3_600_000);
    const point = { hour: formatTime(at, lot.timeZone), compact: 0, large: 0, ev: 0, handicapped: 0 };
    for (const h of hours) if (h.hour.getTime() === at.getTime()) point[h.vehicleType as keyof typeof counts] = h.taken;
    return point;
  });
  return (
    <div className="stack">
      {flagged.length > 0 && (
        <section className="card alert-card" aria-labelledby="attention-heading">
          <h2 id="attention-heading">Needs attention</h2>
          <p className="muted small">These bookings are on a spot that is out of service and no free spot of the same type was found.</p>
          <Table label="Bookings on out-of-service spots">
            <BookingRows rows={flagged} timeZone={lot.timeZone} withDate />
          </Table>
        </section>
      )}
      <section className="card" aria-labelledby="occupancy-heading">
        <h2 id="occupancy-heading">Occupancy now</h2>
        <Table label="Spots and free spots per type">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Spots</th>
              <th scope="col">Taken now</th>
              <th scope="col">Free now</th>
            </tr>
          </thead>
          <tbody>
            {VEHICLE_TYPES.map((t) => {
              const free = freeNow.find((r) => r.vehicleType === t)?.free ?? 0;
              return (
                <tr key={t}>
                  <th scope="row">
                    <VehicleIcon type={t} size={16} /> {VEHICLE_LABELS[t]}
                  </th>
                  <td>{counts[t]}</td>
                  <td>{counts[t] - free}</td>
                  <td>
                    <span className="meter" aria-hidden="true">
                      <span style={{ width: `${counts[t] ? (free / counts[t]) * 100 : 0}%` }} />
                    </span>
                    {free}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
        <h3 className="subhead">Spots taken through the day ({formatDate(now, lot.timeZone)})</h3>
        <OccupancyChart data={chart} label="Spots taken per hour today, by vehicle type" />
      </section>
      <section className="card" aria-labelledby="arrivals-heading">
        <h2 id="arrivals-heading">Arriving in the next hour</h2>
        {arrivals.length === 0 ? (
          <p className="muted">No paid bookings start in the next hour.</p>
        ) : (
          <Table label="Arrivals in the next hour">
            <BookingRows rows={arrivals} timeZone={lot.timeZone} />
          </Table>
        )}
      </section>
      <section className="card" aria-labelledby="noshow-heading">
        <h2 id="noshow-heading">No-shows (last 7 days)</h2>
        {noShows.length === 0 ? (
          <p className="muted">No no-shows in the last 7 days.</p>
        ) : (
          <Table label="No-shows in the last 7 days">
            <BookingRows rows={noShows} timeZone={lot.timeZone} withDate />
          </Table>
        )}
      </section>
    </div>
  );
}

async function ReservationsSection({
  lotId,
  sp,
  href,
}: {
  lotId: string;
  sp: Record<string, string | string[] | undefined>;
  href: (s: Section, extra?: Record<string, string>) => string;
}) {
  const lot = await lotOf(lotId);
  const q = one(sp.q)?.trim().slice(0, 100) || undefined;
  const status = reservationStatusEnum.enumValues.find((s) => s === one(sp.status)) as ReservationStatus | undefined;
  const fromLocal = one(sp.from);
  const toLocal = one(sp.to);
  const from = fromLocal ? localToInstant(`${fromLocal}T00:00`, lot.timeZone) ?? undefined : undefined;
  const to = toLocal ? localToInstant(`${toLocal}T00:00`, lot.timeZone) ?? undefined : undefined;
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
  const keep = Object.fromEntries(Object.entries({ q, status, from: fromLocal, to: toLocal }).filter((e): e is [string, string] => !!e[1]));
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
      {rows.length > 0 && (
        <Table label="Reservations">
          <BookingRows rows={rows} timeZone={lot.timeZone} withDate />
        </Table>
      )}
      {pages > 1 && (
        <nav aria-label="Pages" className="pager">
          {page > 1 ? <Link href={href("reservations", { ...keep, page: String(page - 1) })}>← Previous</Link> : <span />}
          <span className="muted small">
            Page {page} of {pages}
          </span>
          {page < pages ? <Link href={href("reservations", { ...keep, page: String(page + 1) })}>Next →</Link> : <span />}
        </nav>
      )}
    </section>
  );
}

async function SpotsSection({ lotId, now }: { lotId: string; now: Date }) {
  const db = await getDb();
  const [spots, flagged] = await Promise.all([listSpots(db, lotId), bookingsOnInactiveSpots(db, lotId, now)]);
  const flaggedBySpot = new Map<string, number>();
  for (const f of flagged) flaggedBySpot.set(f.spotLabel, (flaggedBySpot.get(f.spotLabel) ?? 0) + 1);
  return (
    <section className="card" aria-labelledby="spots-heading">
      <h2 id="spots-heading">Spots</h2>
      <p className="muted small">
        Taking a spot out of service moves its upcoming bookings to a free spot of the same type; bookings with nowhere to go are listed under
        Today → Needs attention.
      </p>
      <ul className="spot-admin-list">
        {spots.map((s) => (
          <li key={s.id} className={s.active ? "" : "is-inactive"} data-testid={`spot-${s.label}`}>
            <span className="spot-admin-name">
              <VehicleIcon type={s.vehicleType} size={16} /> <strong>{s.label}</strong> <span className="muted small">level {s.level}</span>
            </span>
            <span className={`pill${s.active ? "" : " pill-warning"}`}>{s.active ? "In service" : "Out of service"}</span>
            {flaggedBySpot.get(s.label) && <span className="pill pill-danger">{flaggedBySpot.get(s.label)} to resolve</span>}
            <ActionForm
              action={setSpotService}
              hidden={{ lot_id: lotId, spot_id: s.id, in_service: s.active ? "0" : "1" }}
              submit={s.active ? `Take ${s.label} out of service` : `Put ${s.label} back in service`}
              pendingLabel="Working…"
              className="inline-action"
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

async function GatesSection({ lotId }: { lotId: string }) {
  const db = await getDb();
  const lot = await lotOf(lotId);
  const [gates, events] = await Promise.all([listGates(db, lotId), listGateEvents(db, { lotId, limit: 100 })]);
  return (
    <div className="stack">
      <GatesPanel lotId={lotId} gates={gates.map((g) => ({ id: g.id, name: g.name, direction: g.direction, rotatedAt: g.secretRotatedAt ? formatDateTime(g.secretRotatedAt, lot.timeZone) : null }))} />
      <section className="card" aria-labelledby="log-heading">
        <h2 id="log-heading">Gate log</h2>
        {events.length === 0 ? (
          <p className="muted">No gate events yet.</p>
        ) : (
          <Table label="Gate log">
            <thead>
              <tr>
                <th scope="col">When (lot time)</th>
                <th scope="col">Gate</th>
                <th scope="col">Event</th>
                <th scope="col">Plate / pass</th>
                <th scope="col">Decision</th>
                <th scope="col">Reason</th>
                <th scope="col" className="num">
                  Latency
                </th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} data-testid="gate-event">
                  <td>{formatDateTime(e.occurredAt, lot.timeZone)}</td>
                  <td>{e.gateName}</td>
                  <td>
                    {e.kind === "manual_open" ? "Opened by hand" : e.kind === "entry" ? "Entry" : "Exit"}
                    {e.offline && <span className="pill pill-warning">offline</span>}
                  </td>
                  <td>{e.kind === "manual_open" ? (e.actorName ?? "operator") : e.identifier.length > 24 ? "QR pass" : e.identifier}</td>
                  <td>{e.action.replaceAll("_", " ")}</td>
                  <td>{e.reason ?? "—"}</td>
                  <td className="num">{e.latencyMs === null ? "—" : `${e.latencyMs} ms`}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </div>
  );
}

async function MoneySection({ lotId, now }: { lotId: string; now: Date }) {
  const db = await getDb();
  const lot = await lotOf(lotId);
  const from = zonedDayBounds(new Date(now.getTime() - 29 * 86_400_000), lot.timeZone).start;
  const to = zonedDayBounds(now, lot.timeZone).end;
  const [days, ledger, refunds] = await Promise.all([
    revenueByDay(db, lot.id, from, to, lot.timeZone),
    recentLedger(db, lot.id, { limit: 50 }),
    recentLedger(db, lot.id, { kind: "refund", limit: 50 }),
  ]);
  const ledgerTable = (rows: typeof ledger, label: string) => (
    <Table label={label}>
      <thead>
        <tr>
          <th scope="col">When (lot time)</th>
          <th scope="col">Spot</th>
          <th scope="col">Kind</th>
          <th scope="col">What</th>
          <th scope="col">Status</th>
          <th scope="col" className="num">
            Amount
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.id}>
            <td>{formatDateTime(p.createdAt, lot.timeZone)}</td>
            <td>{p.spotLabel}</td>
            <td>{p.kind}</td>
            <td>{p.description ?? "—"}</td>
            <td>
              {p.status}
              {p.failureCode && <span className="muted"> ({p.failureCode})</span>}
            </td>
            <td className="num">{formatMoney(p.kind === "refund" ? -p.amount : p.amount, p.currency)}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
  return (
    <div className="stack">
      <section className="card" aria-labelledby="revenue-heading">
        <div className="section-head">
          <h2 id="revenue-heading">Revenue per day (last 30 days)</h2>
          <a className="button button-secondary button-small" href={`/dashboard/lots/${lot.id}/revenue.csv`} download>
            Export CSV
          </a>
        </div>
        {days.length === 0 ? (
          <p className="muted">No money has moved in the last 30 days.</p>
        ) : (
          <Table label="Revenue per day">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Currency</th>
                <th scope="col" className="num">
                  Charged
                </th>
                <th scope="col" className="num">
                  Refunded
                </th>
                <th scope="col" className="num">
                  Net
                </th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={`${d.day}-${d.currency}`}>
                  <td>{d.day}</td>
                  <td>{d.currency}</td>
                  <td className="num">{formatMoney(d.charged, d.currency)}</td>
                  <td className="num">{formatMoney(d.refunded, d.currency)}</td>
                  <td className="num">
                    <strong>{formatMoney(d.net, d.currency)}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
      <section className="card" aria-labelledby="refunds-heading">
        <h2 id="refunds-heading">Refunds</h2>
        {refunds.length === 0 ? <p className="muted">No refunds yet.</p> : ledgerTable(refunds, "Refunds")}
      </section>
      <section className="card" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Ledger (latest 50)</h2>
        {ledger.length === 0 ? <p className="muted">The ledger is empty.</p> : ledgerTable(ledger, "Ledger")}
      </section>
    </div>
  );
}
