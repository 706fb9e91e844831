import { describe, expect, it } from "vitest";
import { reservationIcs } from "./ics";

describe("reservationIcs", () => {
  it("writes a UTC event with escaped text and folded long lines", () => {
    const ics = reservationIcs({
      uid: "abc",
      start: new Date("2027-01-05T01:00:00Z"),
      end: new Date("2027-01-05T03:00:00Z"),
      summary: "Parking at Shibuya Mini Park, spot G-01",
      location: "2-21-1 Shibuya; Tokyo",
      description: "x".repeat(120),
      url: "http://localhost/reservations/abc",
      now: new Date("2026-12-01T00:00:00Z"),
    });
    expect(ics).toContain("DTSTART:20270105T010000Z\r\n");
    expect(ics).toContain("DTEND:20270105T030000Z\r\n");
    expect(ics).toContain("SUMMARY:Parking at Shibuya Mini Park\\, spot G-01");
    expect(ics).toContain("LOCATION:2-21-1 Shibuya\\; Tokyo");
    expect(ics.split("\r\n").every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(ics.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
  });
});
