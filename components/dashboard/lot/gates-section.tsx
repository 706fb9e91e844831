import { getDb } from "@/db/client";
import { listGateEvents, listGates } from "@/db/queries/gates";
import type { Lot } from "@/db/schema";
import { formatDateTime } from "@/components/format";
import { GatesPanel } from "@/components/dashboard/gates-panel";
import { DataTable } from "./data-table";

type GateEvent = Awaited<ReturnType<typeof listGateEvents>>[number];

/** The lot's gates (open by hand, rotate, add) and the gate log with latency and offline reads. */
export async function GatesSection({ lot }: { lot: Lot }) {
  const db = await getDb();
  const [gates, events] = await Promise.all([listGates(db, lot.id), listGateEvents(db, { lotId: lot.id, limit: 100 })]);
  return (
    <div className="stack">
      <GatesPanel
        lotId={lot.id}
        gates={gates.map((g) => ({
          id: g.id,
          name: g.name,
          direction: g.direction,
          rotatedAt: g.secretRotatedAt ? formatDateTime(g.secretRotatedAt, lot.timeZone) : null,
        }))}
      />
      <section className="card" aria-labelledby="log-heading">
        <h2 id="log-heading">Gate log</h2>
        {events.length === 0 ? (
          <p className="muted">No gate events yet.</p>
        ) : (
          <DataTable
            label="Gate log"
            rows={events}
            rowKey={(e) => e.id}
            rowTestId="gate-event"
            columns={[
              { header: "When (lot time)", cell: (e: GateEvent) => formatDateTime(e.occurredAt, lot.timeZone) },
              { header: "Gate", cell: (e) => e.gateName },
              {
                header: "Event",
                cell: (e) => (
                  <>
                    {e.kind === "manual_open" ? "Opened by hand" : e.kind === "entry" ? "Entry" : "Exit"}
                    {e.offline && <span className="pill pill-warning">offline</span>}
                  </>
                ),
              },
              // A signed QR pass is a long token: named, not printed.
              {
                header: "Plate / pass",
                cell: (e) =>
                  e.kind === "manual_open"
                    ? (e.actorName ?? "operator")
                    : e.identifier.length > 24
                      ? "QR pass"
                      : e.identifier,
              },
              { header: "Decision", cell: (e) => e.action.replaceAll("_", " ") },
              { header: "Reason", cell: (e) => e.reason ?? "—" },
              { header: "Latency", numeric: true, cell: (e) => (e.latencyMs === null ? "—" : `${e.latencyMs} ms`) },
            ]}
          />
        )}
      </section>
    </div>
  );
}
