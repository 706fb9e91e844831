import { GATE_MESSAGES, type Direction, type GateAction, type GateReason } from "./contract.js";
import type { Identifier } from "./identifier.js";
import type { OfflineCache } from "./offline-cache.js";
import { verifyPass } from "./pass-verifier.js";

export interface LocalDecision {
  action: GateAction;
  reason: GateReason;
  message: string;
  spot_label: string | null;
  level: string | null;
  reservation_id: string | null;
}

const refuse = (
  action: "deny" | "ask_for_qr",
  reason: GateReason,
  message: string,
  reservationId: string | null = null,
): LocalDecision => ({
  action,
  reason,
  message,
  spot_label: null,
  level: null,
  reservation_id: reservationId,
});
const deny = (reason: GateReason, message: string, reservationId: string | null = null) =>
  refuse("deny", reason, message, reservationId);

const welcome = (spot: string | null | undefined) => (spot ? `Welcome! Your spot is ${spot}.` : "Welcome!");
const ATTENDANT = GATE_MESSAGES.callAttendant;

// The server's reason codes wherever the bridge means the same thing (contract.ts).
const PASS_REFUSALS: Record<string, [GateReason, string]> = {
  bad_signature: ["invalid_pass", `This QR pass is not valid. ${ATTENDANT}`],
  malformed: ["invalid_pass", `This QR pass is not valid. ${ATTENDANT}`],
  expired: ["pass_expired", "This QR pass has expired."],
  not_yet_valid: ["too_early", "This QR pass is not valid yet."],
  wrong_lot: ["wrong_lot", "This QR pass is for another car park."],
  unknown_key: ["pass_unverifiable", `This QR pass cannot be checked while the gate is offline. ${ATTENDANT}`],
  no_keys: ["pass_unverifiable", `This QR pass cannot be checked while the gate is offline. ${ATTENDANT}`],
};

/** Reservations this gate let in while offline, which the server's cache cannot know of yet. */
export interface OfflineEntries {
  has(reservationId: string): boolean;
}

/**
 * The decision the gate takes on its own when the server does not answer in time. Exits always open
 * (a car must never be trapped inside; charges are settled later). Entries open only on proof the
 * server signed: a verified QR pass, or a plate the signed offline cache lists for this moment — and
 * never for a reservation the cache says was revoked or is inside, or that this gate already let in
 * offline (anti-passback holds offline too).
 */
export async function decideLocally(input: {
  direction: Direction;
  identifier: Identifier;
  confidence?: number;
  cache: OfflineCache;
  entered: OfflineEntries;
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
      message: GATE_MESSAGES.offlineExit,
      spot_label: null,
      level: null,
      reservation_id: null,
    };
  }
  const refusedFor = (rid: string): LocalDecision | null => {
    if (cache.isRevoked(rid)) return deny("cancelled", `This reservation was cancelled. ${ATTENDANT}`, rid);
    if (cache.isInside(rid) || input.entered.has(rid))
      return deny("already_inside", `This vehicle is already inside. ${ATTENDANT}`, rid);
    return null;
  };

  if (identifier.kind === "qr") {
    const check = await verifyPass(identifier.value, {
      jwks: cache.jwks,
      qrKids: cache.qrKids,
      lotId: input.lotId,
      now: input.now,
      clockToleranceS: input.clockToleranceS,
    });
    if (!check.ok) {
      const [reason, message] = PASS_REFUSALS[check.reason]!;
      return deny(reason, message);
    }
    const { claims } = check;
    const refused = refusedFor(claims.rid);
    if (refused) return refused;
    const window = cache.reservationWindow(claims.rid, input.now);
    if (window === "too_early") return deny("too_early", "Your reservation has not started yet.", claims.rid);
    if (window === "expired") return deny("expired", `Your reservation has ended. ${ATTENDANT}`, claims.rid);
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
    return refuse("ask_for_qr", "low_confidence", "We could not read your plate clearly. Please show your QR pass.");
  }
  const lookup = cache.findPlate(identifier.value, input.now);
  if (lookup.status === "valid") {
    const { entry } = lookup;
    const refused = refusedFor(entry.reservation_id);
    if (refused) return refused;
    return {
      action: "open_barrier",
      reason: "offline_plate",
      message: welcome(entry.spot_label),
      spot_label: entry.spot_label ?? null,
      level: entry.level == null ? null : String(entry.level),
      reservation_id: entry.reservation_id,
    };
  }
  if (lookup.status === "too_early") return deny("too_early", "Your reservation has not started yet.");
  if (lookup.status === "expired") return deny("expired", `Your reservation has ended. ${ATTENDANT}`);
  // Unknown here may be a car booked since the cache's last update: its QR pass still proves it.
  if (cache.jwks)
    return refuse(
      "ask_for_qr",
      lookup.status === "not_found" ? "no_reservation" : "plates_unverifiable",
      GATE_MESSAGES.unknownOffline,
    );
  return deny("offline_no_cache", `The gate cannot check reservations right now. ${ATTENDANT}`);
}
