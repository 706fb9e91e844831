import Link from "next/link";
import type { Lot, SpotCounts } from "@/db/schema";
import { VEHICLE_TYPES } from "@/lib/api/schemas";
import { currencySymbol, describeTimeZone, formatMoney, formatTime, VEHICLE_LABELS } from "@/components/format";
import { VehicleIcon } from "@/components/ui/vehicle-icon";

export function SpotCountList({ counts }: { counts: SpotCounts }) {
  return (
    <ul className="type-counts" aria-label="Spots per vehicle type">
      {VEHICLE_TYPES.map((t) => (
        <li key={t} className={`type-count type-${t}`}>
          <VehicleIcon type={t} size={16} />
          <span className="type-count-label">{VEHICLE_LABELS[t]}</span>
          <span className="type-count-n">{counts[t]}</span>
        </li>
      ))}
    </ul>
  );
}

export function LotCard({ lot, counts, now }: { lot: Lot; counts: SpotCounts; now: Date }) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const cheapest = Math.min(...VEHICLE_TYPES.map((t) => lot.ratePlan.base_hourly[t]));
  return (
    <li className="card lot-card">
      <div className="lot-card-head">
        <h2 className="lot-card-title">
          <Link href={`/lots/${lot.id}`} className="stretched-link">
            {lot.name}
          </Link>
        </h2>
        <span className="pill">{total} spots</span>
      </div>
      <p className="muted lot-address">{lot.address}</p>
      <dl className="facts">
        <div>
          <dt>Time zone</dt>
          <dd>
            {describeTimeZone(lot.timeZone, now)}
            <span className="muted"> · now {formatTime(now, lot.timeZone)}</span>
          </dd>
        </div>
        <div>
          <dt>Currency</dt>
          <dd>
            {lot.currency} ({currencySymbol(lot.currency)}) · from {formatMoney(cheapest, lot.currency)}/h
          </dd>
        </div>
      </dl>
      <SpotCountList counts={counts} />
      <span className="lot-card-cta" aria-hidden="true">
        Check availability →
      </span>
    </li>
  );
}
