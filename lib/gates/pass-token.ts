import "server-only";
import { CompactSign, compactVerify, decodeProtectedHeader } from "jose";
import { requireSigningKey, signingKey, type SigningKey } from "./signing-key";

export const PASS_TYP = "spotkeeper-pass+jwt";
export const CACHE_TYP = "spotkeeper-gate-cache+jwt";
/** A pass stays readable this long after the booked end, so the exit gate still recognises it. */
export const PASS_EXIT_MS = 24 * 3600_000;

/** The QR pass payload: reservation, lot, spot and its validity in epoch seconds. */
export type PassClaims = { rid: string; lot: string; spot_label: string; nbf: number; exp: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

async function sign(key: SigningKey, typ: string, payload: unknown) {
  return new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ })
    .sign(key.privateKey);
}

/** A signed pass: valid from the start minus the lot's entry margin until a day after the end. */
export async function signPass(
  r: { id: string; lotId: string; spotLabel: string; startTime: Date; endTime: Date },
  lot: { gateEntryMarginMinutes: number },
): Promise<{ token: string; claims: PassClaims }> {
  const claims: PassClaims = {
    rid: r.id,
    lot: r.lotId,
    spot_label: r.spotLabel,
    nbf: seconds(new Date(r.startTime.getTime() - lot.gateEntryMarginMinutes * 60_000)),
    exp: seconds(new Date(r.endTime.getTime() + PASS_EXIT_MS)),
  };
  return { token: await sign(await requireSigningKey(), PASS_TYP, claims), claims };
}

/** Signs any payload (the offline cache) with the same key, under its own `typ`. */
export async function signDocument(typ: string, payload: unknown) {
  return sign(await requireSigningKey(), typ, payload);
}

// Compact JWS: three base64url parts, the header a JSON object (so "eyJ"). Plates have no dots.
const JWS_SHAPE = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;
export const looksLikeJws = (identifier: string) => identifier.length > 40 && JWS_SHAPE.test(identifier);

export type PassCheck = { ok: true; claims: PassClaims } | { ok: false; reason: "invalid_pass" | "not_configured" };

/**
 * Checks the signature, key id, type and payload shape. The time window is not checked here: the
 * gate rules decide with the reservation's current window (an extension moves it).
 */
export async function verifyPass(token: string): Promise<PassCheck> {
  const key = await signingKey();
  if (!key) return { ok: false, reason: "not_configured" };
  try {
    const header = decodeProtectedHeader(token);
    if (header.typ !== PASS_TYP || header.kid !== key.kid) return { ok: false, reason: "invalid_pass" };
    const { payload } = await compactVerify(token, key.publicKey, { algorithms: ["EdDSA"] });
    const c = JSON.parse(decoder.decode(payload)) as Partial<PassClaims>;
    if (
      typeof c.rid !== "string" ||
      typeof c.lot !== "string" ||
      typeof c.nbf !== "number" ||
      typeof c.exp !== "number"
    ) {
      return { ok: false, reason: "invalid_pass" };
    }
    return {
      ok: true,
      claims: { rid: c.rid, lot: c.lot, spot_label: String(c.spot_label ?? ""), nbf: c.nbf, exp: c.exp },
    };
  } catch {
    return { ok: false, reason: "invalid_pass" };
  }
}
