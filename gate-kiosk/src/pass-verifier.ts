import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet } from "jose";

export const PASS_TYPE = "spotkeeper-pass+jwt";

export interface PassClaims {
  rid: string;
  lot: string;
  spot_label?: string;
  level?: string | number;
  nbf: number;
  exp: number;
}

export type PassCheck =
  | { ok: true; claims: PassClaims }
  | {
      ok: false;
      reason: "no_keys" | "unknown_key" | "bad_signature" | "not_yet_valid" | "expired" | "wrong_lot" | "malformed";
    };

/**
 * Checks a QR pass without the server: signed by one of the server's pass keys, inside its nbf/exp
 * window (with the gate clock's tolerance), and for this lot.
 */
export async function verifyPass(
  token: string,
  options: { jwks: JSONWebKeySet | null; qrKids: string[]; lotId: string; now: number; clockToleranceS: number },
): Promise<PassCheck> {
  if (!options.jwks || options.jwks.keys.length === 0) return { ok: false, reason: "no_keys" };
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  // qr_kids narrows the JWKS to the keys meant for passes (the cache may be signed by another).
  if (!kid || (options.qrKids.length > 0 && !options.qrKids.includes(kid))) return { ok: false, reason: "unknown_key" };
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(options.jwks), {
      algorithms: ["EdDSA", "Ed25519"],
      typ: PASS_TYPE,
      requiredClaims: ["nbf", "exp"],
      currentDate: new Date(options.now),
      clockTolerance: options.clockToleranceS,
    });
    if (typeof payload.rid !== "string" || typeof payload.lot !== "string") return { ok: false, reason: "malformed" };
    if (payload.lot !== options.lotId) return { ok: false, reason: "wrong_lot" };
    return { ok: true, claims: payload as unknown as PassClaims };
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, reason: "expired" };
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === "nbf")
      return { ok: false, reason: "not_yet_valid" };
    if (err instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: "unknown_key" };
    if (err instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: "bad_signature" };
    return { ok: false, reason: "malformed" };
  }
}
