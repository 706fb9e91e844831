import { SERVER_REASONS } from "./contract";
import type { Lot } from "@/db/schema";
import { RatePlan } from "@/lib/pricing/rate-plan";
import { overstayCharge } from "@/lib/refunds/overstay";
import { lotRatePlan } from "@/lib/reservations/price-booking";
import type { GateContext } from "./gate-auth";
import { PASS_AFTER_END_MS, type GatePass } from "./gate-pass";
import type { Identity } from "./identify";

/** Why a gate answered as it did: the server's codes of the shared gate contract (gate-kiosk/src/contract.ts). */
export const GATE_REASONS = SERVER_REASONS;
export type GateReason = (typeof GATE_REASONS)[number];

export type EntryVerdict =
  | { action: "open_barrier"; pass: GatePass; reason?: "reentry" }
  | { action: "deny"; reason: GateReason; pass?: GatePass; opensAt?: Date }
  | { action: "ask_for_qr"; reason: "low_confidence" | "unreadable" };

const ms = (iso: string) => Date.parse(iso);

/**
 * When a car may enter for a reservation: from the lot's margin before the start until start + the
 * grace shown at booking (the lot's current grace only for a booking made before it was kept).
 */
export function entryWindow(
  pass: Pick<GatePass, "start" | "policy">,
  lot: Pick<Lot, "gateEntryMarginMinutes" | "graceMinutes">,
) {
  const start = ms(pass.start);
  const grace = pass.policy?.grace_minutes ?? lot.graceMinutes;
  return { from: new Date(start - lot.gateEntryMarginMinutes * 60_000), until: new Date(start + grace * 60_000) };
}

/**
 * The entry rule over a plate's (or a QR pass's) confirmed and checked-in reservations in this lot.
 * Anti-passback first: a car already inside is refused unless the lot allows re-entry (until its
 * booked end). Otherwise the reservation whose entry window holds `now` opens; if none does, the
 * next one says "too early" (with its opening time) and a past one "expired".
 */
export function decideEntry(
  passes: GatePass[],
  lot: Pick<Lot, "gateEntryMarginMinutes" | "graceMinutes" | "allowReentry">,
  now: Date,
): EntryVerdict {
  const t = now.getTime();
  const inside = passes.find((p) => p.status === "checked_in");
  if (inside) {
    if (lot.allowReentry && t < ms(inside.end)) return { action: "open_barrier", pass: inside, reason: "reentry" };
    return { action: "deny", reason: "already_inside", pass: inside };
  }
  const booked = passes.filter((p) => p.status === "confirmed").sort((a, b) => ms(a.start) - ms(b.start));
  const current = booked.find((p) => {
    const w = entryWindow(p, lot);
    return w.from.getTime() <= t && t <= w.until.getTime();
  });
  if (current) return { action: "open_barrier", pass: current };
  const next = booked.find((p) => entryWindow(p, lot).from.getTime() > t);
  if (next) return { action: "deny", reason: "too_early", pass: next, opensAt: entryWindow(next, lot).from };
  const last = booked.at(-1);
  if (last) return { action: "deny", reason: "expired", pass: last };
  return { action: "deny", reason: "no_reservation" };
}

/**
 * The whole entry verdict for a read: unreadable and doubtful reads ask for the QR pass, a pass
 * for another lot is refused from the token alone, and otherwise the rule above decides over the
 * passes found (or PostgreSQL's reason why there are none).
 */
export function entryVerdict(
  ctx: GateContext,
  identity: Identity,
  lowConfidence: boolean,
  found: { passes: GatePass[]; refusal?: GateReason } | null,
  now: Date,
): EntryVerdict {
  if (identity.kind === "bad") {
    return identity.reason === "unreadable"
      ? { action: "ask_for_qr", reason: "unreadable" }
      : { action: "deny", reason: "invalid_pass" };
  }
  if (lowConfidence) return { action: "ask_for_qr", reason: "low_confidence" };
  if (identity.kind === "qr" && identity.claims.lot !== ctx.lot.id) return { action: "deny", reason: "wrong_lot" };
  if (!found?.passes.length) return { action: "deny", reason: found?.refusal ?? "no_reservation" };
  return decideEntry(found.passes, ctx.lot, now);
}

/**
 * The reservation an exit is for: the one parked here, else a booked one around now (the entry
 * was never read). Exits always open; this only says what to settle.
 */
export function exitPass(passes: GatePass[], now: Date): GatePass | null {
  const t = now.getTime();
  const inside = passes.find((p) => p.status === "checked_in");
  if (inside) return inside;
  const around = passes.filter(
    (p) => p.status === "confirmed" && ms(p.start) - 24 * 3600_000 <= t && t <= ms(p.end) + PASS_AFTER_END_MS,
  );
  return around.sort((a, b) => Math.abs(ms(a.start) - t) - Math.abs(ms(b.start) - t))[0] ?? null;
}

/**
 * What leaving at `at` costs on top of what was paid: the overstay past end + tolerance, priced
 * with the plan the driver booked at and capped as shown at booking — the same inputs checkOut
 * uses (bookedPolicy), so the same amount.
 */
export function exitCharges(pass: GatePass, lot: Lot, at: Date): number {
  const plan = pass.plan ? RatePlan.parse(pass.plan) : lotRatePlan(lot);
  return overstayCharge({
    plan,
    vehicleType: pass.vehicle_type,
    timeZone: lot.timeZone,
    end: new Date(pass.end),
    actualEnd: at,
    toleranceMinutes: pass.policy?.overstay_tolerance_minutes ?? lot.overstayToleranceMinutes,
    dailyCap: pass.policy?.overstay_daily_cap,
  }).amount;
}
