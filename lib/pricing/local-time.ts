// Time-zone arithmetic on top of Intl (the ICU tz database Node and browsers ship), so pricing needs
// no date library. Wall-clock times are represented as "wall ms": the local date and time read as if
// it were UTC, which makes day starts and minutes-of-day plain integer arithmetic.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws a RangeError for an unknown zone, which is what a caller passing one should get.
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function offsetAt(timeZone: string, instant: number): number {
  const p: Record<string, number> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(instant)) p[type] = Number(value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

export type OffsetSpan = { from: number; to: number; offset: number };

/**
 * Offsets are sampled this often and each change found is pinned to the millisecond by bisection.
 * Sampling misses a change only if two fall within one step; in Node's tz data for 1970–2037 the
 * closest two changes in any zone are about 7 days apart (America/Boa_Vista, 2000), so 6 hours is
 * a wide margin while keeping a year-long stay to ~1,500 Intl calls.
 */
const SAMPLE_MS = 6 * HOUR_MS;

/** Splits [from, to) into spans of constant UTC offset. */
export function offsetSpans(timeZone: string, from: number, to: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [];
  let spanStart = from;
  let offset = offsetAt(timeZone, from);
  for (let t = from; t < to;) {
    const next = Math.min(t + SAMPLE_MS, to);
    const nextOffset = offsetAt(timeZone, next);
    if (nextOffset !== offset) {
      let lo = t; // still the old offset
      let hi = next; // already the new one
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      spans.push({ from: spanStart, to: hi, offset });
      spanStart = hi;
      offset = nextOffset;
    }
    t = next;
  }
  if (spanStart < to) spans.push({ from: spanStart, to, offset });
  return spans;
}

/** ISO weekday (Monday = 1 … Sunday = 7) of a wall-clock time. */
export function isoWeekday(wall: number): number {
  return ((new Date(wall).getUTCDay() + 6) % 7) + 1;
}

/** Minutes since local midnight of a wall-clock time. */
export function minuteOfDay(wall: number): number {
  return Math.floor((wall - dayStart(wall)) / MINUTE_MS);
}

/** The wall-clock midnight that starts the local day of `wall`. */
export function dayStart(wall: number): number {
  return Math.floor(wall / DAY_MS) * DAY_MS;
}
