import { getDb } from "@/db/client";
import { recentLedger, revenueByDay } from "@/db/queries/dashboard";
import type { Lot } from "@/db/schema";
import { zonedDayBounds } from "@/lib/time/zoned-time";
import { formatDateTime, formatMoney } from "@/components/format";
import { DataTable, type Column } from "./data-table";

type LedgerRow = Awaited<ReturnType<typeof recentLedger>>[number];
type RevenueDay = Awaited<ReturnType<typeof revenueByDay>>[number];

function ledgerColumns(timeZone: string): Column<LedgerRow>[] {
  return [
    { header: "When (lot time)", cell: (p) => formatDateTime(p.createdAt, timeZone) },
    { header: "Spot", cell: (p) => p.spotLabel },
    { header: "Kind", cell: (p) => p.kind },
    { header: "What", cell: (p) => p.description ?? "—" },
    {
      header: "Status",
      cell: (p) => (
        <>
          {p.status}
          {p.failureCode && <span className="muted"> ({p.failureCode})</span>}
        </>
      ),
    },
    {
      header: "Amount",
      numeric: true,
      cell: (p) => formatMoney(p.kind === "refund" ? -p.amount : p.amount, p.currency),
    },
  ];
}

const revenueColumns: Column<RevenueDay>[] = [
  { header: "Day", cell: (d) => d.day },
  { header: "Currency", cell: (d) => d.currency },
  { header: "Charged", numeric: true, cell: (d) => formatMoney(d.charged, d.currency) },
  { header: "Refunded", numeric: true, cell: (d) => formatMoney(d.refunded, d.currency) },
  { header: "Net", numeric: true, cell: (d) => <strong>{formatMoney(d.net, d.currency)}</strong> },
];

/** Revenue per lot day (each booking's own currency) with the CSV export, refunds and the ledger. */
export async function MoneySection({ lot, now }: { lot: Lot; now: Date }) {
  const db = await getDb();
  const from = zonedDayBounds(new Date(now.getTime() - 29 * 86_400_000), lot.timeZone).start;
  const to = zonedDayBounds(now, lot.timeZone).end;
  const [days, ledger, refunds] = await Promise.all([
    revenueByDay(db, lot.id, from, to, lot.timeZone),
    recentLedger(db, lot.id, { limit: 50 }),
    recentLedger(db, lot.id, { kind: "refund", limit: 50 }),
  ]);
  const columns = ledgerColumns(lot.timeZone);
  return (
    <div className="stack">
      <section className="card" aria-labelledby="revenue-heading">
        <div className="section-head">
          <h2 id="revenue-heading">Revenue per day (last 30 days)</h2>
          <a className="button button-secondary button-small" href={`/dashboard/lots/${lot.id}/revenue.csv`} download>
            Export CSV
          </a>
        </div>
        {days.length === 0 ? (
          <p className="muted">No money has moved in the last 30 days.</p>
        ) : (
          <DataTable
            label="Revenue per day"
            columns={revenueColumns}
            rows={days}
            rowKey={(d) => `${d.day}-${d.currency}`}
          />
        )}
      </section>
      <section className="card" aria-labelledby="refunds-heading">
        <h2 id="refunds-heading">Refunds</h2>
        {refunds.length === 0 ? (
          <p className="muted">No refunds yet.</p>
        ) : (
          <DataTable label="Refunds" columns={columns} rows={refunds} rowKey={(p) => p.id} />
        )}
      </section>
      <section className="card" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Ledger (latest 50)</h2>
        {ledger.length === 0 ? (
          <p className="muted">The ledger is empty.</p>
        ) : (
          <DataTable label="Ledger" columns={columns} rows={ledger} rowKey={(p) => p.id} />
        )}
      </section>
    </div>
  );
}
