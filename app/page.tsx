import { getDb } from "@/db/client";
import { activeSpotCounts, listLots } from "@/db/queries/lots";

export const dynamic = "force-dynamic";

export default async function Home() {
  const db = await getDb();
  const lots = await listLots(db);
  const counts = await activeSpotCounts(db, lots.map((l) => l.id));
  return (
    <main>
      <h1>Spotkeeper</h1>
      <ul>
        {lots.map((l) => (
          <li key={l.id}>
            {l.name} — {l.timeZone} — {JSON.stringify(counts.get(l.id))}
          </li>
        ))}
      </ul>
    </main>
  );
}
