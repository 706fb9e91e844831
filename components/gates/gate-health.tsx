import type { gatesOfLot } from "@/lib/gates/manage-gates";

const ago = (iso: string | null, now: number) => {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
};

/**
 * Each gate of a lot as its bridge last reported it: a gate silent for over a minute, or whose relay
 * failed, is flagged — an unattended barrier nobody is watching must show up here first.
 */
export function GateHealthList({ gates, now }: { gates: Awaited<ReturnType<typeof gatesOfLot>>; now: number }) {
  if (gates.length === 0) return null;
  return (
    <>
      <h3 className="subhead">Gates</h3>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Gate health">
        <table className="day-table">
          <caption className="visually-hidden">Gate health</caption>
          <thead>
            <tr>
              <th scope="col">Gate</th>
              <th scope="col">State</th>
              <th scope="col">Last contact</th>
              <th scope="col" className="num">
                Queue
              </th>
              <th scope="col">Cache</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {gates.map((g) => {
              const h = g.health;
              const problem = !h?.last_contact_at
                ? "Never connected"
                : h.silent
                  ? "Silent"
                  : h.relay === "failed"
                    ? "Relay failed"
                    : null;
              return (
                <tr key={g.gate_id}>
                  <th scope="row">
                    {g.name} <span className="muted small">({g.direction})</span>
                  </th>
                  <td>
                    <span className={`badge ${problem ? "badge-cancelled" : "badge-confirmed"}`}>
                      {problem ?? "OK"}
                    </span>
                  </td>
                  <td>{ago(h?.last_contact_at ?? null, now)}</td>
                  <td className="num">{h?.queue ?? "—"}</td>
                  <td>{h?.cache_age_s == null ? "—" : `${h.cache_age_s} s old`}</td>
                  <td>{h?.version ?? "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
