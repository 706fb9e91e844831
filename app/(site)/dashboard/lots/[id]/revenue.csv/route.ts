import { z } from "zod";
import { getDb } from "@/db/client";
import { revenueByDay } from "@/db/queries/dashboard";
import type { Lot } from "@/db/schema";
import { authorizeLot } from "@/lib/auth/lot-access";
import { isApiError } from "@/lib/errors";
import { getSessionCaller } from "@/lib/auth/session";
import { revenueCsv } from "@/lib/receipts/revenue-csv";
import { zonedDayBounds } from "@/lib/time/zoned-time";

// GET /dashboard/lots/{id}/revenue.csv – revenue per local day, last 90 days (operators)
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const caller = await getSessionCaller();
  if (!caller) return new Response("Sign in as an owner of the lot's organisation", { status: 401 });
  if (!z.uuid().safeParse(id).success) return new Response("Lot not found", { status: 404 });
  let lot: Lot;
  try {
    // Money is for the organisation's owners (lib/auth/lot-access.ts); to non-members the lot does not exist.
    ({ lot } = await authorizeLot(await getDb(), caller, id, "owner"));
  } catch (err) {
    if (!isApiError(err)) throw err;
    return new Response(err.code === "forbidden" ? "Revenue is for the organisation's owners" : "Lot not found", {
      status: err.status,
    });
  }
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
