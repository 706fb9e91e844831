// Money arithmetic for the engine, exact by construction: base rates are integers, multipliers are
// validated to four decimals (so they become integer ten-thousandths), durations are integer ms, and
// BigInt carries products past 2^53. Floats never decide a rounding.

const HUNDREDTHS_PER_MINOR = 100n;
const MS_PER_HOUR = 3_600_000n;

/** floor(n / d + 1/2) for non-negative n and positive d: round half up. */
function divideHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

/**
 * Hourly rate after multipliers, in hundredths of a minor unit, rounded half up. Line items show
 * this rate to two decimals and their amounts are computed from it, so every line can be checked
 * by hand: amount = rate × hours, rounded half up to a whole minor unit.
 */
export function rateHundredths(baseHourly: number, multipliers: readonly number[]): bigint {
  let numerator = BigInt(baseHourly) * HUNDREDTHS_PER_MINOR;
  let denominator = 1n;
  for (const m of multipliers) {
    numerator *= BigInt(Math.round(m * 10_000));
    denominator *= 10_000n;
  }
  return divideHalfUp(numerator, denominator);
}

/** The amount for `ms` at a rate in hundredths per hour, rounded half up to whole minor units. */
export function amountFor(rate: bigint, ms: number): number {
  return Number(divideHalfUp(rate * BigInt(ms), HUNDREDTHS_PER_MINOR * MS_PER_HOUR));
}

/** A rate in hundredths as the number shown on a line item (e.g. 337.5 for 33750n). */
export function displayRate(rate: bigint): number {
  return Number(rate) / 100;
}
