import { createHash } from "node:crypto";
import { normalizePlate, PLATE_PATTERN } from "@/lib/plates";
import { looksLikeJws, verifyPass, type PassClaims } from "./pass-token";

/** What a gate read turned out to be: a plate, a verified QR pass, or nothing usable. */
export type Identity =
  | { kind: "plate"; plate: string }
  | { kind: "qr"; claims: PassClaims }
  | { kind: "bad"; reason: "unreadable" | "invalid_pass" | "not_configured"; raw: string };

/** A QR pass is recognised by its shape (compact JWS) and must verify; anything else is a plate. */
export async function identify(identifier: string): Promise<Identity> {
  if (looksLikeJws(identifier)) {
    const check = await verifyPass(identifier);
    return check.ok ? { kind: "qr", claims: check.claims } : { kind: "bad", reason: check.reason, raw: identifier };
  }
  const plate = normalizePlate(identifier);
  return PLATE_PATTERN.test(plate) ? { kind: "plate", plate } : { kind: "bad", reason: "unreadable", raw: identifier };
}

/** The same car read twice gives the same key (for duplicate suppression). */
export function identityKey(id: Identity): string {
  if (id.kind === "plate") return `p:${id.plate}`;
  if (id.kind === "qr") return `q:${id.claims.rid}`;
  return `x:${createHash("sha256").update(id.raw).digest("hex").slice(0, 24)}`;
}

/**
 * How the read is shown in the gate log: the plate, the pass's reservation, or the start of the raw
 * read. A raw read is whatever the camera sent: its control characters are replaced, because
 * PostgreSQL refuses a NUL in text, and a read it refuses would never be recorded (nor, in its batch,
 * the reads beside it).
 */
export function identityLabel(id: Identity): string {
  if (id.kind === "plate") return id.plate;
  if (id.kind === "qr") return `qr:${id.claims.rid}`;
  return id.raw.slice(0, 64).replace(/[\u0000-\u001f\u007f]/g, "\ufffd");
}
