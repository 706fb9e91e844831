import type { LotSearch } from "@/lib/search/search-lots";
import { VEHICLE_LABELS, VEHICLE_TYPE_ORDER } from "@/components/format";
import { NearMeButton } from "./near-me-button";

/**
 * A plain GET form: the search lives in the URL, works without JavaScript, and can be shared. The
 * window is read on each lot's own clock ("10:00" means ten o'clock wherever the lot is).
 */
export function LotSearchForm({ s }: { s: LotSearch }) {
  return (
    <form className="card search-form" role="search" aria-label="Find parking" action="/" method="get">
      <div className="field search-q">
        <label htmlFor="q">City, address or lot name</label>
        <input
          id="q"
          name="q"
          type="search"
          defaultValue={s.q ?? ""}
          placeholder="e.g. Tokyo, Prinsengracht, Mission Bay"
        />
      </div>
      <div className="search-row">
        <div className="field">
          <label htmlFor="start">Arrive (lot time)</label>
          <input id="start" name="start" type="datetime-local" defaultValue={s.start ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="end">Leave (lot time)</label>
          <input id="end" name="end" type="datetime-local" defaultValue={s.end ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="type">Vehicle type</label>
          <select id="type" name="type" defaultValue={s.type ?? ""}>
            <option value="">Any</option>
            {VEHICLE_TYPE_ORDER.map((t) => (
              <option key={t} value={t}>
                {VEHICLE_LABELS[t]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="max_price">Max price</label>
          <input
            id="max_price"
            name="max_price"
            type="number"
            min={0}
            step="any"
            inputMode="decimal"
            defaultValue={s.max_price ?? ""}
            aria-describedby="max_price-hint"
          />
          <span className="hint" id="max_price-hint">
            In the lot&apos;s currency: per hour, or for your whole stay when times are set.
          </span>
        </div>
      </div>
      <div className="search-row search-row-end">
        <label className="check">
          <input type="checkbox" name="ev" value="1" defaultChecked={!!s.ev} /> EV charging
        </label>
        <label className="check">
          <input type="checkbox" name="accessible" value="1" defaultChecked={!!s.accessible} /> Accessible
        </label>
        <div className="field field-inline">
          <label htmlFor="sort">Sort by</label>
          <select id="sort" name="sort" defaultValue={s.sort ?? "name"}>
            <option value="name">Name</option>
            <option value="price">Price</option>
            <option value="distance">Distance</option>
          </select>
        </div>
        <NearMeButton near={s.near} />
        <button type="submit" className="button button-primary">
          Search
        </button>
      </div>
    </form>
  );
}
