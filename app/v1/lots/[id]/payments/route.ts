import { z } from "zod";
import { findLot } from "@/db/queries/lots";
import { lotLedger } from "@/db/queries/payments";
import { ledgerEntryOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";
import { json, parseId, parseQuery } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

const LIMIT = 5000;
const Query = z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) });

// GET /v1/lots/{id}/payments?from=&to= – the lot's money movements with totals, for reconciliation (operators)
export const GET = withAuth(
  async ({ req, db, params }) => {
    const lot = await findLot(db, parseId(params.id, "Lot"));
    if (!lot) throw new ApiError("not_found", "Lot not found");
    const q = parseQuery(req, Query);
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (to <= from || to.getTime() - from.getTime() > 92 * 86_400_000) {
      throw new ApiError("validation_failed", "`to` must be after `from`, at most 92 days later");
    }
    const rows = await lotLedger(db, lot.id, from, to, LIMIT + 1);
    if (rows.length > LIMIT) throw new ApiError("validation_failed", `More than ${LIMIT} movements: ask for a shorter period`);
    const totals = { charge: 0, refund: 0, penalty: 0, adjustment: 0 };
    for (const r of rows) if (r.status === "succeeded") totals[r.kind] += r.amount;
    const pending = rows.filter((r) => r.status === "pending").reduce((s, r) => s + r.amount, 0);
    return json({
      lot_id: lot.id,
      currency: lot.currency,
      from: from.toISOString(),
      to: to.toISOString(),
      // Succeeded movements only; net = what the lot actually received in the period.
      totals: { ...totals, net: totals.charge + totals.penalty + totals.adjustment - totals.refund, pending },
      data: rows.map(ledgerEntryOut),
    });
  },
  { operatorOnly: true, lotRole: "owner" },
);
