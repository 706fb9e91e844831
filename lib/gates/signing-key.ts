import "server-only";
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { calculateJwkThumbprint, type JWK } from "jose";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { parseEd25519PrivateKey } from "./key-format";

export type SigningKey = { kid: string; privateKey: KeyObject; publicKey: KeyObject; publicJwk: JWK };

const g = globalThis as unknown as { __spotkeeperQrKey?: { source: string; key: Promise<SigningKey | null> } };

/** The demo's key, generated on first use and kept in .data/ so passes stay valid across restarts. */
function demoKeyText(): string {
  const file = path.join(process.cwd(), ".data/qr-signing-key.json");
  try {
    return readFileSync(file, "utf8");
  } catch {
    const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      // "wx": when two processes start together, the second keeps the first one's key.
      writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    return readFileSync(file, "utf8");
  }
}

async function load(text: string): Promise<SigningKey> {
  const { key: privateKey, kid: given } = parseEd25519PrivateKey(text);
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: "jwk" }) as JWK;
  // Without a kid of its own, the key is named by its RFC 7638 thumbprint: stable, and the same everywhere.
  const kid = given ?? (await calculateJwkThumbprint(jwk));
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, alg: "EdDSA", use: "sig" } };
}

/** QR_SIGNING_KEY, or in demo mode the key in .data/; null when neither (outside demo, unconfigured). */
export function signingKey(): Promise<SigningKey | null> {
  const e = env();
  const source = e.QR_SIGNING_KEY ?? (e.demo ? "demo" : "");
  if (g.__spotkeeperQrKey?.source !== source) {
    const key = source === "" ? Promise.resolve(null) : load(source === "demo" ? demoKeyText() : source);
    g.__spotkeeperQrKey = { source, key };
  }
  return g.__spotkeeperQrKey.key;
}

export async function requireSigningKey(): Promise<SigningKey> {
  const key = await signingKey();
  if (!key) {
    throw new ApiError(
      "not_configured",
      "QR passes are not set up on this server: set QR_SIGNING_KEY to an Ed25519 private key",
    );
  }
  return key;
}

/** The public keys gates verify QR passes and offline caches with (JWKS, RFC 7517). */
export async function publicJwks(): Promise<{ keys: JWK[] }> {
  const key = await signingKey();
  return { keys: key ? [key.publicJwk] : [] };
}
