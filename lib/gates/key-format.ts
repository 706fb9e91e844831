import { createPrivateKey, type KeyObject } from "node:crypto";

/**
 * QR_SIGNING_KEY holds an Ed25519 private key as a JWK (JSON, may carry its own `kid`) or as PKCS8
 * PEM; in a one-line .env value the PEM's newlines may be written as `\n`.
 */
export function parseEd25519PrivateKey(raw: string): { key: KeyObject; kid?: string } {
  const text = raw.trim();
  let key: KeyObject;
  let kid: string | undefined;
  if (text.startsWith("{")) {
    const jwk = JSON.parse(text) as { kid?: unknown; d?: unknown };
    if (typeof jwk.d !== "string") throw new Error("the JWK has no private part (d)");
    kid = typeof jwk.kid === "string" && jwk.kid ? jwk.kid : undefined;
    key = createPrivateKey({ key: jwk as never, format: "jwk" });
  } else {
    key = createPrivateKey(text.replace(/\\n/g, "\n"));
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`expected an Ed25519 key, got ${key.asymmetricKeyType}`);
  return { key, kid };
}

/** For the environment schema: true when the value parses as an Ed25519 private key. */
export function isEd25519PrivateKey(raw: string): boolean {
  try {
    parseEd25519PrivateKey(raw);
    return true;
  } catch {
    return false;
  }
}
