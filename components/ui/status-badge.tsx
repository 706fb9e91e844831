import type { ReservationStatus } from "@/db/schema";
import { STATUS_LABELS } from "@/components/format";

export function StatusBadge({ status }: { status: ReservationStatus }) {
  return <span className={`badge badge-${status.replace("_", "-")}`}>{STATUS_LABELS[status]}</span>;
}
