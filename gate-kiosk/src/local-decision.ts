import type { Direction, GateAction } from "./decision.js";
import type { Identifier } from "./identifier.js";
import type { OfflineCache } from "./offline-cache.js";
import { verifyPass } from "./pass-verifier.js";

export interface LocalDecision {
  action: GateAction;
  reason: string;
  message: string;
  spot_label: string | null;
  level: string | null;
  reservation_id: string | null;
}

const deny = (reason: string, message: string): LocalDecision => ({
  action: "deny",
  reason,
  message,
  spot_label: null,
  level: null,
  reservation_id: null,
});

const welcome = (spot: string | null | undefined) => (spot ? `Welcome! Your spot is ${spot}.` : "Welcome!");

const PASS_MESSAGES: Record<string, [string, string]> = {
  bad_signature: ["pass_invalid", "This QR pass is not valid."],
  malformed: ["pass_invalid", "This QR pass is not valid."],
  expired: ["pass_expired", "This QR pass has expired."],
  not_yet_valid: ["too_early", "This QR pass is not valid yet."],
  wrong_lot: ["wrong_lot", "This QR pass is for another car park."],
  unknown_key: ["pass_unverifiable", "This QR pass cannot be checked while the gate is offline."],
  no_keys: ["pass_unverifiable", "This QR pass cannot be checked while the gate is offline."],
};

const PLATE_MESSAGES: Record<string, [string, string]> = {
  not_found: ["not_found", "No reservation was found for this plate."],
  too_early: ["too_early", "Your reservation has not started yet."],
  expired: ["expired", "Your reservation has ended."],
};

/**
 * The decision the gate takes on its own when the server does not answer in time. Exits always open
 * (a car must never be trapped inside; charges are settled later). Entries open only on proof the
 * server signed: a verified QR pass, or a plate the signed offline cache lists for this moment.
 */
export async function decideLocally(input: {
  direction: Direction;
  identifier: Identifier;
  confidence?: number;
  cache: OfflineCache;
  lotId: string;
  now: number;
  lprMinConfidence: number;
  clockToleranceS: number;
}): Promise<LocalDecision> {
  const { identifier, cache } = input;
  if (input.direction === "exit") {
    return {
      action: "open_barrier",
      reason: "offline_exit",
      message: "Goodbye! Any charges will be settled later.",
      spot_label: null,
      level: null,
      reservation_id: null,
    };
  }

  if (identifier.kind === "qr") {
    const check = await verifyPass(identifier.value, {
      jwks: cache.jwks,
      qrKids: cache.qrKids,
      lotId: input.lotId,
      now: input.now,
      clockToleranceS: input.clockToleranceS,
    });
    if (!check.ok) {
      const [reason, message] = PASS_MESSAGES[check.reason]!;
      return deny(reason, message);
    }
    const { claims } = check;
    const window = cache.reservationWindow(claims.rid, input.now);
    if (window === "too_early") return deny("too_early", "Your reservation has not started yet.");
    if (window === "expired") return deny("expired", "Your reservation has ended.");
    return {
      action: "open_barrier",
      reason: "offline_pass",
      message: welcome(claims.spot_label),
      spot_label: claims.spot_label ?? null,
      level: claims.level == null ? null : String(claims.level),
      reservation_id: claims.rid,
    };
  }

  if (input.confidence !== undefined && input.confidence < input.lprMinConfidence) {
    return { ...deny("low_confidence", "We could not read your plate clearly. Please show your QR pass."), action: "ask_for_qr" };
  }
  const lookup = cache.findPlate(identifier.value, input.now);
  if (lookup.status === "valid") {
    const { entry } = lookup;
    return {
      action: "open_barrier",
      reason: "offline_plate",
      message: welcome(entry.spot_label),
      spot_label: entry.spot_label ?? null,
      level: entry.level == null ? null : String(entry.level),
      reservation_id: entry.reservation_id,
    };
  }
  if (lookup.status === "no_cache" || lookup.status === "cache_expired") {
    // Plates cannot be checked, but a pass still can if the keys are known.
    if (cache.jwks) return { ...deny("plates_unverifiable", "Plates cannot be checked right now. Please show your QR pass."), action: "ask_for_qr" };
    return deny("offline_no_cache", "The gate cannot check reservations right now.");
  }
  const [reason, message] = PLATE_MESSAGES[lookup.status]!;
  return deny(reason, message);
}
