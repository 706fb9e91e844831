import type { expectedArrivals } from "@/db/queries/dashboard";
import { formatDateTime, formatMoney, formatTime, VEHICLE_LABELS } from "@/components/format";
import { StatusBadge } from "@/components/ui/status-badge";
import { DataTable, type Column } from "./data-table";

export type LotBooking = Awaited<ReturnType<typeof expectedArrivals>>[number];

/** A lot's bookings as operators read them: when (lot time), where, who, and the booked amount. */
export function BookingTable({
  label,
  rows,
  timeZone,
  withDate = false,
}: {
  label: string;
  rows: LotBooking[];
  timeZone: string;
  withDate?: boolean;
}) {
  const columns: Column<LotBooking>[] = [
    {
      header: "When",
      cell: (r) =>
        `${withDate ? formatDateTime(r.startTime, timeZone) : formatTime(r.startTime, timeZone)}–${formatTime(r.endTime, timeZone)}`,
    },
    {
      header: "Spot",
      cell: (r) => (
        <>
          {r.spotLabel}
          {!r.spotActive && <span className="muted"> (out of service)</span>}
        </>
      ),
    },
    { header: "Type", cell: (r) => VEHICLE_LABELS[r.vehicleType] },
    {
      header: "Plate",
      cell: (r) =>
        r.licensePlate ? <span className="plate">{r.licensePlate}</span> : <span className="muted">—</span>,
    },
    { header: "Driver", cell: (r) => r.driverName },
    { header: "Status", cell: (r) => <StatusBadge status={r.status} /> },
    { header: "Amount", numeric: true, cell: (r) => formatMoney(r.amount, r.currency) },
  ];
  return <DataTable label={label} columns={columns} rows={rows} rowKey={(r) => r.id} />;
}
