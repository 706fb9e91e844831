/**
 * The availability cache works on whole clock hours (UTC epoch hours, so it is zone-independent).
 *
 * A reservation counts towards an hour only when it covers that hour completely; a request is known
 * to fail when some hour it touches is completely covered on as many spots as the lot+type has.
 * Proof sketch: if every one of the N spots is booked for the whole of hour h, then at any instant of
 * h that the request also covers, all N spots are busy, so no spot is free for the whole request.
 * The converse does not hold (short bookings, staggered bookings): the cache only ever answers
 * "certainly full" or "ask PostgreSQL", which is what makes it safe.
 */
export const HOUR_MS = 3_600_000;

/** Epoch hours fully inside [start, end). */
export function coveredHours(start: Date, end: Date): number[] {
  const first = Math.ceil(start.getTime() / HOUR_MS);
  const last = Math.floor(end.getTime() / HOUR_MS); // exclusive
  const out: number[] = [];
  for (let h = first; h < last; h++) out.push(h);
  return out;
}

/** Epoch hours that [start, end) overlaps at all. */
export function touchedHours(start: Date, end: Date): number[] {
  const first = Math.floor(start.getTime() / HOUR_MS);
  const last = Math.ceil(end.getTime() / HOUR_MS); // exclusive
  const out: number[] = [];
  for (let h = first; h < last; h++) out.push(h);
  return out;
}
