import type { z } from "zod";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { lotLedger } from "@/db/queries/payments";
import type { LotPaymentsQuery } from "@/lib/api/schemas";
import { ledgerEntryOut } from "@/lib/api/serialize";
import { ApiError } from "@/lib/errors";

/** One answer stays a readable size; a busier period is asked for in parts. */
const LIMIT = 5000;
const MAX_DAYS = 92;

/** GET /v1/lots/{id}/payments: the lot's money movements in [from, to) with totals, for reconciliation. */
export async function lotLedgerReport(db: Db, lotId: string, q: z.output<typeof LotPaymentsQuery>) {
  const lot = await findLot(db, lotId);
  if (!lot) throw new ApiError("not_found", "Lot not found");
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (to <= from || to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) {
    throw new ApiError("validation_failed", `\`to\` must be after \`from\`, at most ${MAX_DAYS} days later`);
  }
  const rows = await lotLedger(db, lot.id, from, to, LIMIT + 1);
  if (rows.length > LIMIT)
    throw new ApiError("validation_failed", `More than ${LIMIT} movements: ask for a shorter period`);
  const totals = { charge: 0, refund: 0, penalty: 0, adjustment: 0 };
  for (const r of rows) if (r.status === "succeeded") totals[r.kind] += r.amount;
  const pending = rows.filter((r) => r.status === "pending").reduce((s, r) => s + r.amount, 0);
  const needsAttention = rows.filter((r) => r.status === "needs_attention").reduce((s, r) => s + r.amount, 0);
  return {
    lot_id: lot.id,
    currency: lot.currency,
    from: from.toISOString(),
    to: to.toISOString(),
    // Succeeded movements only; net = what the lot actually received in the period.
    totals: {
      ...totals,
      net: totals.charge + totals.penalty + totals.adjustment - totals.refund,
      pending,
      needs_attention: needsAttention,
    },
    data: rows.map(ledgerEntryOut),
  };
}
