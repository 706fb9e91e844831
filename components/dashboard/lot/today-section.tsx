import { getDb } from "@/db/client";
import { bookingsNeedingASpot, expectedArrivals, hourlyOccupancy, recentNoShows } from "@/db/queries/dashboard";
import { activeSpotCounts } from "@/db/queries/lots";
import { freeSpotCounts } from "@/db/queries/reservations";
import type { Lot, VehicleType } from "@/db/schema";
import { VEHICLE_TYPES } from "@/lib/api/schemas";
import { zonedDayBounds } from "@/lib/time/zoned-time";
import { formatDate, formatTime, VEHICLE_LABELS } from "@/components/format";
import { OccupancyChart } from "@/components/dashboard/occupancy-chart";
import { VehicleIcon } from "@/components/ui/vehicle-icon";
import { BookingTable } from "./booking-table";
import { DataTable } from "./data-table";

/** Today: what needs the operator, occupancy now and through the day, arrivals and no-shows. */
export async function TodaySection({ lot, now }: { lot: Lot; now: Date }) {
  const db = await getDb();
  const day = zonedDayBounds(now, lot.timeZone);
  const [counts, freeNow, hours, arrivals, noShows, flagged] = await Promise.all([
    activeSpotCounts(db, [lot.id]).then((m) => m.get(lot.id)!),
    freeSpotCounts(db, lot.id, now, new Date(now.getTime() + 60_000)),
    hourlyOccupancy(db, lot.id, day.start, day.end),
    expectedArrivals(db, lot.id, now, new Date(now.getTime() + 3_600_000)),
    recentNoShows(db, lot.id, new Date(now.getTime() - 7 * 86_400_000), now),
    bookingsNeedingASpot(db, lot.id, now),
  ]);
  const hourCount = Math.round((day.end.getTime() - day.start.getTime()) / 3_600_000);
  const chart = Array.from({ length: hourCount }, (_, i) => {
    const at = new Date(day.start.getTime() + i * 3_600_000);
    const point = { hour: formatTime(at, lot.timeZone), compact: 0, large: 0, ev: 0, handicapped: 0 };
    for (const h of hours) if (h.hour.getTime() === at.getTime()) point[h.vehicleType as keyof typeof counts] = h.taken;
    return point;
  });
  const occupancy = VEHICLE_TYPES.map((t) => ({
    type: t,
    total: counts[t],
    free: freeNow.find((r) => r.vehicleType === t)?.free ?? 0,
  }));
  return (
    <div className="stack">
      {flagged.length > 0 && (
        <section className="card alert-card" aria-labelledby="attention-heading">
          <h2 id="attention-heading">Needs attention</h2>
          <p className="muted small">
            These bookings are on a spot that is out of service, or that a car is still parked on past its booking, and
            no free spot of the same type was found. Their drivers have been told; direct them when they arrive.
          </p>
          <BookingTable label="Bookings without a usable spot" rows={flagged} timeZone={lot.timeZone} withDate />
        </section>
      )}
      <section className="card" aria-labelledby="occupancy-heading">
        <h2 id="occupancy-heading">Occupancy now</h2>
        <DataTable
          label="Spots and free spots per type"
          rows={occupancy}
          rowKey={(o) => o.type}
          columns={[
            {
              header: "Type",
              rowHeader: true,
              cell: (o: { type: VehicleType }) => (
                <>
                  <VehicleIcon type={o.type} size={16} /> {VEHICLE_LABELS[o.type]}
                </>
              ),
            },
            { header: "Spots", cell: (o) => o.total },
            { header: "Taken now", cell: (o) => o.total - o.free },
            {
              header: "Free now",
              cell: (o) => (
                <>
                  <span className="meter" aria-hidden="true">
                    <span style={{ width: `${o.total ? (o.free / o.total) * 100 : 0}%` }} />
                  </span>
                  {o.free}
                </>
              ),
            },
          ]}
        />
        <h3 className="subhead">Spots taken through the day ({formatDate(now, lot.timeZone)})</h3>
        <OccupancyChart data={chart} label="Spots taken per hour today, by vehicle type" />
      </section>
      <section className="card" aria-labelledby="arrivals-heading">
        <h2 id="arrivals-heading">Arriving in the next hour</h2>
        {arrivals.length === 0 ? (
          <p className="muted">No paid bookings start in the next hour.</p>
        ) : (
          <BookingTable label="Arrivals in the next hour" rows={arrivals} timeZone={lot.timeZone} />
        )}
      </section>
      <section className="card" aria-labelledby="noshow-heading">
        <h2 id="noshow-heading">No-shows (last 7 days)</h2>
        {noShows.length === 0 ? (
          <p className="muted">No no-shows in the last 7 days.</p>
        ) : (
          <BookingTable label="No-shows in the last 7 days" rows={noShows} timeZone={lot.timeZone} withDate />
        )}
      </section>
    </div>
  );
}
