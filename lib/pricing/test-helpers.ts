// Shared by the pricing and refund tests: builds plans through the real schema (so defaults and
// validation are the ones production sees) and reads line items on the lot's clocks.
import { type Quote } from "./quote";
import { RatePlan, type RatePlanInput } from "./rate-plan";

export const RATES = { compact: 400, large: 600, ev: 500, handicapped: 300 };

export function plan(overrides: Partial<RatePlanInput> = {}): RatePlan {
  return RatePlan.parse({ base_hourly: RATES, ...overrides });
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** "2025-03-30 07:00" on the zone's clocks, formatted by Intl rather than by the code under test. */
export function local(instant: string | Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("sv-SE", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f.format(new Date(instant));
}

/** Each line item as "from–to reason amount", on local clocks, for assertions a reader can check. */
export function describeLines(q: Quote, timeZone: string): string[] {
  return q.line_items.map(
    (i) => `${local(i.from, timeZone)}–${local(i.to, timeZone).slice(11)} ${i.reason} ${i.amount}`,
  );
}

/** Real (elapsed) hours a line item covers. */
export function hours(item: { from: string; to: string }): number {
  return (Date.parse(item.to) - Date.parse(item.from)) / 3_600_000;
}

export const sumOf = (q: Quote) => q.line_items.reduce((s, i) => s + i.amount, 0);
