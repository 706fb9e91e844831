import { z } from "zod";
import { getDb } from "@/db/client";
import { revenueByDay } from "@/db/queries/dashboard";
import { findLotWithRole } from "@/db/queries/organisations";
import { hasRole } from "@/lib/auth/lot-access";
import { getSessionCaller } from "@/lib/auth/session";
import { revenueCsv } from "@/lib/receipts/revenue-csv";
import { zonedDayBounds } from "@/lib/time/zoned-time";

// GET /dashboard/lots/{id}/revenue.csv – revenue per local day, last 90 days. Money: the owners of
// the lot's organisation, as for the ledger (GET /v1/lots/{id}/payments); another organisation's lot
// is "not found".
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const caller = await getSessionCaller();
  if (caller?.role !== "operator") return new Response("Operators only", { status: 403 });
  const access = z.uuid().safeParse(id).success ? await findLotWithRole(await getDb(), caller.id, id) : null;
  if (!access?.role) return new Response("Lot not found", { status: 404 });
  if (!hasRole(access.role, "owner")) return new Response("The revenue export is for the organisation's owners", { status: 403 });
  const { lot } = access;
  const now = new Date();
  const from = zonedDayBounds(new Date(now.getTime() - 89 * 86_400_000), lot.timeZone).start;
  const days = await revenueByDay(await getDb(), lot.id, from, zonedDayBounds(now, lot.timeZone).end, lot.timeZone);
  return new Response(revenueCsv(lot.name, lot.timeZone, days), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="revenue-${lot.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
