import { getDb } from "@/db/client";
import { LotSearch, searchLots } from "@/lib/search/search-lots";
import { formatMoney } from "@/components/format";
import { LotCard } from "@/components/lots/lot-card";
import { LotMap, type MapPin } from "@/components/lots/lot-map";
import { LotSearchForm } from "@/components/lots/lot-search-form";

export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function Home({ searchParams }: Props) {
  const sp = await searchParams;
  const s = LotSearch.parse(Object.fromEntries(Object.entries(sp).filter(([, v]) => typeof v === "string")));
  const results = await searchLots(await getDb(), s);
  const searched = Object.values(s).some((v) => v !== undefined && v !== false && v !== "");
  const now = new Date();
  // The window and type carry over to the lot page, which opens on the same times.
  const carry = new URLSearchParams(
    Object.entries({ start: s.start, end: s.end, type: s.type }).filter((e): e is [string, string] => !!e[1]),
  ).toString();
  const pins: MapPin[] = results.flatMap(({ lot, price, priceIsTotal }) =>
    lot.latitude !== null && lot.longitude !== null
      ? [
          {
            id: lot.id,
            name: lot.name,
            lat: lot.latitude,
            lng: lot.longitude,
            price: price === null ? lot.name : `${formatMoney(price, lot.currency)}${priceIsTotal ? "" : "/h"}`,
            href: `/lots/${lot.id}${carry ? `?${carry}` : ""}`,
          },
        ]
      : [],
  );
  return (
    <>
      <section className="hero">
        <p className="eyebrow">Parking, reserved</p>
        <h1>Book the exact spot you need, then drive straight through the gate.</h1>
        <p className="lead">
          Spotkeeper reserves a compact, large, EV-charging or accessible space for your time window — priced up front,
          in the lot&apos;s own currency and local time.
        </p>
      </section>
      <LotSearchForm s={s} />
      <div className="find-layout">
        <section aria-labelledby="lots-heading" className="find-list">
          <div className="section-head">
            <h2 id="lots-heading">Parking lots</h2>
            <p className="muted" role="status">
              {results.length} {searched ? "match" : "location"}
              {results.length === 1 ? "" : searched ? "es" : "s"}
            </p>
          </div>
          {results.length === 0 ? (
            <p className="empty">
              {searched
                ? "No lot matches. Try another city, fewer filters or other times."
                : "No lots yet. Operators can add one from the dashboard."}
            </p>
          ) : (
            <ul className="lot-grid">
              {results.map((r) => (
                <LotCard
                  key={r.lot.id}
                  lot={r.lot}
                  counts={r.counts}
                  now={now}
                  result={searched ? r : undefined}
                  query={carry}
                />
              ))}
            </ul>
          )}
        </section>
        <LotMap pins={pins} />
      </div>
    </>
  );
}
