// Presentation helpers shared by server and client components. Money arrives as integer minor units
// plus an ISO currency; times as instants, always shown in the lot's zone, never the viewer's.
import type { ReservationStatus, VehicleType } from "@/db/schema";

const LOCALE = "en-US";

const moneyFormatters = new Map<string, Intl.NumberFormat>();
function moneyFormatter(currency: string) {
  let f = moneyFormatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, { style: "currency", currency });
    moneyFormatters.set(currency, f);
  }
  return f;
}

// Building an Intl.DateTimeFormat costs far more than using one (locale data, zone rules); a list of
// bookings formats hundreds of times per render, so each (locale, zone, options) is built once.
const dateFormatters = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: string, options: Intl.DateTimeFormatOptions) {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = dateFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    dateFormatters.set(key, f);
  }
  return f;
}

/** Minor units per major unit: 100 for EUR, 1 for JPY (which has no minor unit), 1000 for KWD. */
export function fractionDigits(currency: string): number {
  try {
    return moneyFormatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(minor: number, currency: string): string {
  return moneyFormatter(currency).format(minor / 10 ** fractionDigits(currency));
}

/** "12.5" EUR → 1250; anything that is not a plain decimal number → NaN, for the schema to reject. */
export function toMinorUnits(major: string, currency: string): number {
  const text = major.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return Number.NaN;
  return Math.round(Number(text) * 10 ** fractionDigits(currency));
}

export function currencySymbol(currency: string): string {
  try {
    return (
      moneyFormatter(currency)
        .formatToParts(0)
        .find((p) => p.type === "currency")?.value ?? currency
    );
  } catch {
    return currency;
  }
}

export function formatDateTime(date: Date, timeZone: string): string {
  return dtf(LOCALE, {
    timeZone,
    weekday: "short",
    month: "short",
    day: "numeric",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
  }).format(date);
}

export function formatTime(date: Date, timeZone: string): string {
  return dtf(LOCALE, { timeZone, hour: "numeric", minute: "2-digit" }).format(date);
}

export function formatDate(date: Date, timeZone: string): string {
  return dtf(LOCALE, { timeZone, weekday: "long", month: "long", day: "numeric" }).format(date);
}

/** "Tue, Jan 13, 2026, 10:00 AM – 12:00 PM", or both full dates when the range crosses midnight. */
export function formatRange(start: Date, end: Date, timeZone: string): string {
  const sameDay = dtf("en-CA", { timeZone }).format(start) === dtf("en-CA", { timeZone }).format(end);
  return `${formatDateTime(start, timeZone)} – ${sameDay ? formatTime(end, timeZone) : formatDateTime(end, timeZone)}`;
}

function zoneName(timeZone: string, style: "long" | "shortOffset", at: Date): string {
  const name =
    dtf(LOCALE, { timeZone, timeZoneName: style })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value ?? timeZone;
  // A real minus sign: typographically right, and a line never breaks inside "GMT−8".
  return name.replace(/([+-])(\d)/, (_, sign: string, d: string) => `${sign === "-" ? "\u2212" : "+"}${d}`);
}

/** "Japan Standard Time (GMT+9)": the name a person reads, with the offset in force at `at`. */
export function describeTimeZone(timeZone: string, at = new Date()): string {
  return `${zoneName(timeZone, "long", at)} (${zoneName(timeZone, "shortOffset", at)})`;
}

/** "GMT+9", for labels that must stay short. */
export function zoneAbbreviation(timeZone: string, at = new Date()): string {
  return zoneName(timeZone, "shortOffset", at);
}

export function formatDuration(start: Date, end: Date): string {
  return formatMinutes(Math.round((end.getTime() - start.getTime()) / 60_000));
}

/** 90 → "1 h 30 min", 2880 → "2 d". */
export function formatMinutes(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  return [days && `${days} d`, hours && `${hours} h`, mins && `${mins} min`].filter(Boolean).join(" ") || "0 min";
}

/** API messages name fields ("end_time must be after start_time"); a web page says "End time must…". */
export function humanise(text: string): string {
  const t = text.replace(/\b([a-z]+)_time\b/g, "$1 time").replaceAll("_", " ");
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export const VEHICLE_LABELS: Record<VehicleType, string> = {
  compact: "Compact",
  large: "Large",
  ev: "EV charging",
  handicapped: "Accessible",
};

/** The vehicle types in display order, for client components that should not pull in the zod schemas. */
export const VEHICLE_TYPE_ORDER = Object.keys(VEHICLE_LABELS) as VehicleType[];

export const STATUS_LABELS: Record<ReservationStatus, string> = {
  pending_payment: "Awaiting payment",
  confirmed: "Confirmed",
  checked_in: "Checked in",
  completed: "Completed",
  cancelled: "Cancelled",
  no_show: "No-show",
  expired: "Expired",
};
