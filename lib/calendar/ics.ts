/**
 * An iCalendar (RFC 5545) event for a booking, so "add to calendar" works in every calendar app.
 * Times are written in UTC (the trailing Z): no VTIMEZONE block is needed, and each app shows them
 * in its own zone.
 */
export function reservationIcs(e: {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  location: string;
  description: string;
  url: string;
  now?: Date;
}): string {
  const stamp = (d: Date) =>
    d
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
  // Commas, semicolons and backslashes are separators in iCalendar text; newlines are written as \n.
  const text = (s: string) => s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, "\\n");
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Spotkeeper//Reservations//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${e.uid}@spotkeeper`,
    `DTSTAMP:${stamp(e.now ?? new Date())}`,
    `DTSTART:${stamp(e.start)}`,
    `DTEND:${stamp(e.end)}`,
    `SUMMARY:${text(e.summary)}`,
    `LOCATION:${text(e.location)}`,
    `DESCRIPTION:${text(e.description)}`,
    `URL:${e.url}`,
    "BEGIN:VALARM",
    "TRIGGER:-PT30M",
    "ACTION:DISPLAY",
    `DESCRIPTION:${text(e.summary)}`,
    "END:VALARM",
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  // Lines longer than 75 octets are folded with CRLF + space, as the RFC requires.
  return lines.map(fold).join("\r\n") + "\r\n";
}

function fold(line: string) {
  const out: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest) > 75) {
    let cut = 75;
    while (Buffer.byteLength(rest.slice(0, cut)) > 75) cut--;
    out.push(rest.slice(0, cut));
    rest = ` ${rest.slice(cut)}`;
  }
  out.push(rest);
  return out.join("\r\n");
}

/** A booking as its calendar event: the same text for the download and the confirmation e-mail's attachment. */
export function bookingIcs(
  r: {
    id: string;
    startTime: Date;
    endTime: Date;
    lotName: string;
    lotAddress: string;
    spotLabel: string;
    spotLevel: string;
    licensePlate: string | null;
  },
  url: string,
): string {
  return reservationIcs({
    uid: r.id,
    start: r.startTime,
    end: r.endTime,
    summary: `Parking at ${r.lotName}, spot ${r.spotLabel}`,
    location: r.lotAddress,
    description: `Spot ${r.spotLabel} (level ${r.spotLevel})${r.licensePlate ? `, plate ${r.licensePlate}` : ""}. Your booking: ${url}`,
    url,
  });
}
