import Link from "next/link";
import type { Lot, SpotCounts } from "@/db/schema";
import type { LotResult } from "@/lib/search/search-lots";
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

export function LotCard({
  lot,
  counts,
  now,
  result,
  query,
}: {
  lot: Lot;
  counts: SpotCounts;
  now: Date;
  result?: LotResult;
  query?: string;
}) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const cheapest = Math.min(...VEHICLE_TYPES.map((t) => lot.ratePlan.base_hourly[t]));
  const href = `/lots/${lot.id}${query ? `?${query}` : ""}`;
  return (
    <li className="card lot-card">
      <div className="lot-card-head">
        <h2 className="lot-card-title">
          <Link href={href} className="stretched-link">
            {lot.name}
          </Link>
        </h2>
        <span className="pill">{total} spots</span>
      </div>
      <p className="muted lot-address">{lot.address}</p>
      {result && result.price !== null && (
        <p className="lot-result" data-testid="lot-result">
          <strong className="lot-price">
            {formatMoney(result.price, lot.currency)}
            {result.priceIsTotal ? "" : "/h"}
          </strong>
          {result.pricedType && (
            <span className="muted">
              {" "}
              {VEHICLE_LABELS[result.pricedType].toLowerCase()}
              {result.priceIsTotal ? " for your times" : ""}
            </span>
          )}
          {result.free !== null && <span className="pill pill-success">{result.free} free</span>}
          {result.distanceKm !== null && (
            <span className="muted">
              {" "}
              · {result.distanceKm < 10 ? result.distanceKm.toFixed(1) : Math.round(result.distanceKm)} km away
            </span>
          )}
        </p>
      )}
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
