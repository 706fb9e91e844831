import type { GateReason } from "./decide";

// Short texts for the kiosk screen, read from a car window: one sentence, the next step included.

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function lotTime(at: Date, timeZone: string) {
  let f = timeFormats.get(timeZone);
  if (!f)
    timeFormats.set(timeZone, (f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" })));
  return f.format(at);
}

export function welcomeMessage(spotLabel: string, level: string, reentry = false) {
  return `${reentry ? "Welcome back" : "Welcome"}! Your spot is ${spotLabel} on level ${level}.`;
}

export function refusalMessage(reason: GateReason, opts: { opensAt?: Date; timeZone: string }): string {
  switch (reason) {
    case "too_early":
      return opts.opensAt
        ? `You are early: entry opens at ${lotTime(opts.opensAt, opts.timeZone)}.`
        : "You are early for your reservation.";
    case "expired":
      return "The entry time of this reservation has passed. Please call the attendant.";
    case "wrong_lot":
      return "This reservation is for another car park.";
    case "already_inside":
      return "This vehicle is already inside. Please call the attendant.";
    case "cancelled":
      return "This reservation was cancelled.";
    case "not_paid":
      return "This reservation is not paid yet. Please pay in the app first.";
    case "completed":
      return "This reservation has ended.";
    case "low_confidence":
    case "unreadable":
      return "We could not read your plate. Please scan your QR pass.";
    case "invalid_pass":
      return "This QR code is not a valid Spotkeeper pass. Please call the attendant.";
    case "no_reservation":
    default:
      return "No reservation found for this vehicle. Please call the attendant.";
  }
}

export function goodbyeMessage(pendingCharges: number, formatted: string | null) {
  return pendingCharges > 0 && formatted
    ? `Goodbye! ${formatted} for the extra time goes to your saved card.`
    : "Goodbye! Drive safely.";
}

/** 1250 EUR → "€12.50"; the kiosk shows it as is. */
export function formatCharge(minor: number, currency: string) {
  try {
    const f = new Intl.NumberFormat("en-GB", { style: "currency", currency });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(minor / 10 ** digits);
  } catch {
    return `${minor} ${currency}`;
  }
}
