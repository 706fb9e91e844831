import { activeBand, bandBoundaries } from "./active-band";
import { DAY_MS, dayStart, MINUTE_MS, offsetSpans } from "./local-time";
import type { Band } from "./rate-plan";

export type Piece = {
  from: number;
  to: number;
  /** Index into the plan's bands, or -1 for the standard rate. */
  band: number;
  /** Which 24-hour window from the start of the stay the piece lies in (0 when windows are off). */
  window: number;
};

/**
 * Cuts [from, to) into pieces of one band, one local calendar day and (with `dailyWindows`) one
 * 24-hour window counted from `from`.
 *
 * Band edges are wall-clock times, so on a DST-change day "07:00" is still 07:00 on the lot's clocks:
 * within each span of constant UTC offset the wall clock runs evenly and the instant of a given
 * wall time is simply wall − offset. At an offset change the wall clock jumps, so the change itself
 * is a cut: after a spring-forward jump past 02:30 a band starting at 02:30 begins at 03:00; in a
 * fall-back hour that repeats, a band covering that hour is billed for both passes.
 */
export function splitStay(
  bands: readonly Band[],
  timeZone: string,
  from: number,
  to: number,
  dailyWindows: boolean,
): Piece[] {
  if (to <= from) return [];
  const boundaries = bandBoundaries(bands);
  const spans = offsetSpans(timeZone, from, to);
  const cuts = new Set<number>([from, to]);
  if (dailyWindows) for (let t = from + DAY_MS; t < to; t += DAY_MS) cuts.add(t);
  for (const span of spans) {
    cuts.add(span.from);
    const wallFrom = span.from + span.offset;
    const wallTo = span.to + span.offset;
    for (let day = dayStart(wallFrom); day < wallTo; day += DAY_MS) {
      for (const minute of boundaries) {
        const wall = day + minute * MINUTE_MS;
        if (wall > wallFrom && wall < wallTo) cuts.add(wall - span.offset);
      }
    }
  }

  const sorted = [...cuts].sort((a, b) => a - b);
  const pieces: (Piece & { day: number })[] = [];
  let s = 0;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const start = sorted[i];
    while (spans[s].to <= start) s++;
    const wall = start + spans[s].offset;
    const piece = {
      from: start,
      to: sorted[i + 1],
      band: activeBand(bands, wall),
      window: dailyWindows ? Math.floor((start - from) / DAY_MS) : 0,
      day: dayStart(wall),
    };
    // Cuts at edges of bands that do not apply that day leave neighbours with the same price; join them.
    const last = pieces.at(-1);
    if (last && last.band === piece.band && last.day === piece.day && last.window === piece.window) {
      last.to = piece.to;
    } else {
      pieces.push(piece);
    }
  }
  return pieces.map(({ day: _day, ...piece }) => piece);
}
