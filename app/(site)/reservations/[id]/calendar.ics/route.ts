import { z } from "zod";
import { getDb } from "@/db/client";
import { myReservation } from "@/db/queries/my-reservations";
import { findReservationFor } from "@/db/queries/reservation-access";
import { getSessionCaller } from "@/lib/auth/session";
import { reservationIcs } from "@/lib/calendar/ics";

// GET /reservations/{id}/calendar.ics – the booking as a calendar event (its driver, or a member of
// the lot's organisation: another organisation's booking is "not found", as in the API)
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const caller = await getSessionCaller();
  const db = await getDb();
  const r = caller && z.uuid().safeParse(id).success && (await findReservationFor(db, caller, id)) ? await myReservation(db, id) : null;
  if (!r) return new Response("Reservation not found", { status: 404 });
  const url = new URL(`/reservations/${r.id}`, req.url).toString();
  const body = reservationIcs({
    uid: r.id,
    start: r.startTime,
    end: r.endTime,
    summary: `Parking at ${r.lotName}, spot ${r.spotLabel}`,
    location: r.lotAddress,
    description: `Spot ${r.spotLabel} (level ${r.spotLevel})${r.licensePlate ? `, plate ${r.licensePlate}` : ""}. Your booking: ${url}`,
    url,
  });
  return new Response(body, {
    headers: {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `attachment; filename="spotkeeper-${r.spotLabel}.ics"`,
      "cache-control": "private, no-store",
    },
  });
}
