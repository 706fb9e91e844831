/**
 * What a scanner, camera or keypad produced, sorted into a plate or a QR pass. The normalisation is
 * the server's (lib/plates.ts in the app), copied because this package installs without the app: a
 * plate the cache lists and a plate a camera reads must compare equal here exactly as they do there.
 */
export function normalizePlate(raw: string): string {
  return raw
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[\s\-–—.·]/g, "");
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type Identifier = { kind: "qr"; value: string } | { kind: "plate"; value: string };

export function classifyIdentifier(raw: string): Identifier | null {
  const text = raw.trim();
  if (!text) return null;
  if (COMPACT_JWS.test(text)) return { kind: "qr", value: text };
  // A pass printed as a link (…/pass/<token> or …?token=<token>) scans as the whole URL.
  if (/^https?:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      const candidates = [...url.searchParams.values(), ...url.pathname.split("/").reverse()];
      const token = candidates.find((c) => COMPACT_JWS.test(c));
      if (token) return { kind: "qr", value: token };
    } catch {
      // not a URL after all: treat as a plate below
    }
  }
  const plate = normalizePlate(text);
  return plate ? { kind: "plate", value: plate } : null;
}
