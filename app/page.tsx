import { getDb } from "@/db/client";
import { activeSpotCounts, listLots } from "@/db/queries/lots";
import { LotCard } from "@/components/lots/lot-card";

export const dynamic = "force-dynamic";

export default async function Home() {
  const db = await getDb();
  const lots = await listLots(db);
  const counts = await activeSpotCounts(db, lots.map((l) => l.id));
  const now = new Date();
  return (
    <>
      <section className="hero">
        <p className="eyebrow">Parking, reserved</p>
        <h1>Book the exact spot you need, then drive straight through the gate.</h1>
        <p className="lead">
          Spotkeeper reserves a compact, large, EV-charging or accessible space for your time window — priced up front, in
          the lot&apos;s own currency and local time.
        </p>
      </section>
      <section aria-labelledby="lots-heading">
        <div className="section-head">
          <h2 id="lots-heading">Parking lots</h2>
          <p className="muted">
            {lots.length} location{lots.length === 1 ? "" : "s"}
          </p>
        </div>
        {lots.length === 0 ? (
          <p className="empty">No lots yet. Operators can add one from the dashboard.</p>
        ) : (
          <ul className="lot-grid">
            {lots.map((l) => (
              <LotCard key={l.id} lot={l} counts={counts.get(l.id)!} now={now} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
