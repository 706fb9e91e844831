// Wall-clock text in a lot's IANA zone <-> instants, for forms: a driver types "14:00" meaning 14:00 on
// the lot's clocks, whatever zone their browser is in. Built on the pricing engine's offsetAt and its
// "wall ms" (the local date and time read as if it were UTC).
import { DAY_MS, dayStart, offsetAt } from "@/lib/pricing/local-time";

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant a wall-clock time names in a zone. Daylight-saving edges follow Temporal's
 * "compatible" rule: a time skipped by a spring-forward gap moves forward by the gap (02:30 → 03:30),
 * and a time that happens twice in the autumn means the first one.
 */
export function wallToInstant(wall: number, timeZone: string): number {
  // The offsets in force a day either side cover any single transition near this time.
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const valid = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((t) => t + offsetAt(timeZone, t) === wall)
    .sort((a, b) => a - b);
  return valid[0] ?? wall - before;
}

/** "2025-03-30T02:30" (what a datetime-local input gives) in the zone → the instant, or null if malformed. */
export function localToInstant(local: string, timeZone: string): Date | null {
  const m = LOCAL_PATTERN.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  // Date.UTC rolls 2025-02-30 over to March; a date that does not exist is not a date.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) {
    return null;
  }
  return new Date(wallToInstant(wall, timeZone));
}

/** "YYYY-MM-DDTHH:mm" for a datetime-local input showing the instant on the zone's clocks. */
export function instantToLocalInput(date: Date, timeZone: string): string {
  const t = date.getTime();
  return new Date(t + offsetAt(timeZone, t)).toISOString().slice(0, 16);
}

/** Midnight to midnight of the zone's calendar day containing the instant (23 or 25 h on DST days). */
export function zonedDayBounds(date: Date, timeZone: string): { start: Date; end: Date } {
  const t = date.getTime();
  const midnight = dayStart(t + offsetAt(timeZone, t));
  return {
    start: new Date(wallToInstant(midnight, timeZone)),
    end: new Date(wallToInstant(midnight + DAY_MS, timeZone)),
  };
}
