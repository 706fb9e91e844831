import { z } from "zod";
import { getDb } from "@/db/client";
import { myReservation } from "@/db/queries/my-reservations";
import { findReservationFor } from "@/db/queries/reservation-access";
import { getSessionCaller } from "@/lib/auth/session";
import { bookingIcs } from "@/lib/calendar/ics";

// GET /reservations/{id}/calendar.ics – the booking as a calendar event (its driver or a member of the lot's organisation)
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const caller = await getSessionCaller();
  const db = await getDb();
  // Its driver, or a member of the lot's organisation: the same rule as the API's reservation reads.
  const visible = caller && z.uuid().safeParse(id).success && (await findReservationFor(db, caller, id));
  const r = visible ? await myReservation(db, id) : null;
  if (!r) return new Response("Reservation not found", { status: 404 });
  const url = new URL(`/reservations/${r.id}`, req.url).toString();
  const body = bookingIcs(r, url);
  return new Response(body, {
    headers: {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `attachment; filename="spotkeeper-${r.spotLabel}.ics"`,
      "cache-control": "private, no-store",
    },
  });
}
