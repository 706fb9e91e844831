import type { Payment } from "@/db/schema";
import { buildReceipt } from "@/lib/receipts/receipt";
import { formatDateTime, formatMoney } from "@/components/format";
import { PrintButton } from "./print-button";

/** The booking's receipt, straight from the ledger; printing shows only this and the booking. */
export function Receipt({
  ledger,
  currency,
  timeZone,
  reference,
}: {
  ledger: Payment[];
  currency: string;
  timeZone: string;
  reference: string;
}) {
  const receipt = buildReceipt(ledger);
  return (
    <section className="card receipt" aria-labelledby="receipt-heading">
      <div className="section-head">
        <h2 id="receipt-heading">Receipt</h2>
        <PrintButton />
      </div>
      <p className="muted small">Reference {reference}</p>
      {receipt.lines.length === 0 ? (
        <p className="muted">Nothing has been charged for this booking.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Receipt lines">
          <table className="day-table">
            <thead>
              <tr>
                <th scope="col">Date (lot time)</th>
                <th scope="col">What</th>
                <th scope="col" className="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {receipt.lines.map((l, i) => (
                <tr key={i}>
                  <td>{formatDateTime(l.at, timeZone)}</td>
                  <td>
                    {l.description}
                    {l.status === "pending" && <span className="muted"> (in progress)</span>}
                  </td>
                  <td className="num">{formatMoney(l.amount, currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  Total paid
                </th>
                <td className="num" data-testid="receipt-net">
                  <strong>{formatMoney(receipt.net, currency)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
