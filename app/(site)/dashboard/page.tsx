import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { activeSpotCounts, listSpots } from "@/db/queries/lots";
import { bookedValueByCurrency } from "@/db/queries/dashboard";
import { lotsOfOrganisations, organisationsOf } from "@/db/queries/organisations";
import { freeSpotCounts, listLotReservationsBetween } from "@/db/queries/reservations";
import type { Lot } from "@/db/schema";
import { VEHICLE_TYPES } from "@/lib/api/schemas";
import { getSessionCaller } from "@/lib/auth/session";
import { zonedDayBounds } from "@/lib/time/zoned-time";
import { describeTimeZone, formatDate, formatMoney, formatTime, VEHICLE_LABELS } from "@/components/format";
import { AddSpotsForm } from "@/components/dashboard/add-spots-form";
import { CreateLotForm } from "@/components/dashboard/create-lot-form";
import { GateHealthList } from "@/components/gates/gate-health";
import { gatesOfLot } from "@/lib/gates/manage-gates";
import { StatusBadge } from "@/components/ui/status-badge";
import { VehicleIcon } from "@/components/ui/vehicle-icon";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Dashboard" };

/** A day's list longer than this is a job for the API's paginated listing, not a dashboard card. */
const DAY_LIMIT = 100;
const NOT_BOOKED = new Set(["cancelled", "expired"]);

async function lotOverview(lot: Lot, now: Date) {
  const db = await getDb();
  const day = zonedDayBounds(now, lot.timeZone);
  const [today, freeNow, spots, gates] = await Promise.all([
    listLotReservationsBetween(db, { lotId: lot.id, start: day.start, end: day.end, limit: DAY_LIMIT }),
    // "Free now": nothing booked over the next minute.
    freeSpotCounts(db, lot.id, now, new Date(now.getTime() + 60_000)),
    listSpots(db, lot.id),
    gatesOfLot(db, lot.id),
  ]);
  const booked = today.filter((r) => !NOT_BOOKED.has(r.status));
  return {
    lot,
    today,
    freeNow,
    gates,
    levels: [...new Set(spots.map((s) => s.level))],
    bookedCount: booked.length,
    checkedIn: today.filter((r) => r.status === "checked_in").length,
    // Per booking currency: a lot that changed currency has bookings priced in the old one.
    bookedValue: await bookedValueByCurrency(db, [lot.id], day.start, day.end),
  };
}

export default async function DashboardPage() {
  const caller = await getSessionCaller();
  if (!caller) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/dashboard")}`);
  if (caller.role !== "operator") {
    return (
      <div className="card notice" role="alert">
        <h1>Operators only</h1>
        <p>The dashboard is for parking operators. You are signed in as {caller.email}, a driver account.</p>
        <p>
          <Link href="/reservations">Go to my reservations</Link> or <Link href="/">find a lot</Link>.
        </p>
      </div>
    );
  }

  const db = await getDb();
  const now = new Date();
  // Only the lots of the caller's organisations: another organisation's lots are not theirs to see.
  const lots = await lotsOfOrganisations(
    db,
    (await organisationsOf(db, caller.id)).map((o) => o.id),
  );
  const [counts, overviews] = await Promise.all([
    activeSpotCounts(
      db,
      lots.map((l) => l.id),
    ),
    Promise.all(lots.map((l) => lotOverview(l, now))),
  ]);
  const totalSpots = [...counts.values()].reduce((s, c) => s + Object.values(c).reduce((a, b) => a + b, 0), 0);
  const timeZones = [...Intl.supportedValuesOf("timeZone"), "UTC"].filter((z, i, all) => all.indexOf(z) === i).sort();

  return (
    <div>
      <header className="page-head">
        <h1>Operations dashboard</h1>
        <p className="muted">Each lot&apos;s day runs on its own local time.</p>
      </header>
      <ul className="stats" aria-label="Totals">
        <li className="stat">
          <span className="stat-n">{lots.length}</span>
          <span className="stat-label">Lots</span>
        </li>
        <li className="stat">
          <span className="stat-n">{totalSpots}</span>
          <span className="stat-label">Active spots</span>
        </li>
        <li className="stat">
          <span className="stat-n">{overviews.reduce((s, o) => s + o.bookedCount, 0)}</span>
          <span className="stat-label">Bookings today</span>
        </li>
        <li className="stat">
          <span className="stat-n">{overviews.reduce((s, o) => s + o.checkedIn, 0)}</span>
          <span className="stat-label">Checked in</span>
        </li>
      </ul>

      <div className="dashboard-layout">
        <div className="dashboard-lots">
          {overviews.map(({ lot, today, freeNow, gates, levels, bookedCount, bookedValue }) => {
            const c = counts.get(lot.id)!;
            return (
              <section key={lot.id} className="card dash-lot" aria-labelledby={`lot-${lot.id}`}>
                <div className="dash-lot-head">
                  <div>
                    <h2 id={`lot-${lot.id}`}>
                      <Link href={`/lots/${lot.id}`}>{lot.name}</Link>
                    </h2>
                    <p className="muted small">
                      {formatDate(now, lot.timeZone)} · {formatTime(now, lot.timeZone)} ·{" "}
                      {describeTimeZone(lot.timeZone, now)}
                    </p>
                  </div>
                  <div className="dash-lot-kpis">
                    <span>
                      <strong>{bookedCount}</strong> booked today
                    </span>
                    <span data-testid="booked-value">
                      <strong>
                        {bookedValue.length === 0
                          ? formatMoney(0, lot.currency)
                          : bookedValue.map((v) => formatMoney(v.amount, v.currency)).join(" + ")}
                      </strong>{" "}
                      booked value
                    </span>
                    <Link href={`/dashboard/lots/${lot.id}`} className="button button-primary button-small">
                      Manage {lot.name}
                    </Link>
                  </div>
                </div>

                <div className="table-scroll" tabIndex={0} role="region" aria-label={`Spots per type at ${lot.name}`}>
                  <table className="occupancy">
                    <caption className="visually-hidden">Spots per vehicle type at {lot.name}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Type</th>
                        <th scope="col">Spots</th>
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
                            <td>{c[t]}</td>
                            <td>
                              <span className="meter" aria-hidden="true">
                                <span style={{ width: `${c[t] ? (free / c[t]) * 100 : 0}%` }} />
                              </span>
                              {free}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>

                <GateHealthList gates={gates} now={now.getTime()} />
                <h3 className="subhead">Today&apos;s reservations</h3>
                {today.length === 0 ? (
                  <p className="muted small">No reservations today.</p>
                ) : (
                  <div
                    className="table-scroll"
                    tabIndex={0}
                    role="region"
                    aria-label={`Today's reservations at ${lot.name}`}
                  >
                    <table className="day-table">
                      <thead>
                        <tr>
                          <th scope="col">Time</th>
                          <th scope="col">Spot</th>
                          <th scope="col">Type</th>
                          <th scope="col">Plate</th>
                          <th scope="col">Status</th>
                          <th scope="col" className="num">
                            Amount
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {today.map((r) => (
                          <tr key={r.id}>
                            <td>
                              {formatTime(r.startTime, lot.timeZone)}–{formatTime(r.endTime, lot.timeZone)}
                            </td>
                            <td>{r.spotLabel}</td>
                            <td>{VEHICLE_LABELS[r.vehicleType]}</td>
                            <td>{r.licensePlate ? <span className="plate">{r.licensePlate}</span> : "—"}</td>
                            <td>
                              <StatusBadge status={r.status} />
                            </td>
                            <td className="num">{formatMoney(r.amount, r.currency)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                {today.length === DAY_LIMIT && <p className="muted small">Showing the first {DAY_LIMIT}.</p>}

                <details className="advanced">
                  <summary>Add spots</summary>
                  <AddSpotsForm lotId={lot.id} levels={levels} />
                </details>
              </section>
            );
          })}
        </div>
        <aside className="dashboard-aside">
          <CreateLotForm timeZones={timeZones} />
        </aside>
      </div>
    </div>
  );
}
