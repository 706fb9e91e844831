import { isoWeekday, minuteOfDay } from "./local-time";
import type { Band } from "./rate-plan";

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a band covers a wall-clock moment (bands are half-open: 07:00–10:00 ends before 10:00). */
function covers(band: Band, weekday: number, minute: number): boolean {
  const from = toMinutes(band.from);
  const to = toMinutes(band.to); // "24:00" → 1440
  if (from < to) return band.days.includes(weekday) && minute >= from && minute < to;
  // A wrapping band (Fri 22:00–06:00) is listed under the day it starts on, so its early-morning
  // part belongs to the previous day's entry.
  const previous = weekday === 1 ? 7 : weekday - 1;
  return (band.days.includes(weekday) && minute >= from) || (band.days.includes(previous) && minute < to);
}

/**
 * Index of the band priced at a wall-clock moment, or -1 for the standard rate. Where bands overlap
 * the highest multiplier wins, so an operator can layer "Friday evening ×2" over "Weekday peak ×1.5"
 * without carving the week into disjoint pieces; on a tie the first listed wins, to stay deterministic.
 */
export function activeBand(bands: readonly Band[], wall: number): number {
  const weekday = isoWeekday(wall);
  const minute = minuteOfDay(wall);
  let best = -1;
  bands.forEach((band, i) => {
    if (covers(band, weekday, minute) && (best === -1 || band.multiplier > bands[best].multiplier)) best = i;
  });
  return best;
}

/** Minutes of the local day at which the priced band can change: midnight and every band edge. */
export function bandBoundaries(bands: readonly Band[]): number[] {
  const minutes = new Set([0]);
  for (const b of bands) {
    minutes.add(toMinutes(b.from));
    minutes.add(toMinutes(b.to) % 1440);
  }
  return [...minutes].sort((a, b) => a - b);
}
