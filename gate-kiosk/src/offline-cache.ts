import { readFile } from "node:fs/promises";
import path from "node:path";
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from "jose";
import { z } from "zod";
import { toMillis, writeFileAtomic } from "./durable-file.js";
import { normalizePlate } from "./identifier.js";
import { errorText, type Logger } from "./log.js";
import type { ServerClient } from "./server-client.js";

const instant = z.union([z.string(), z.number()]).transform(toMillis).refine(Number.isFinite, "not a time");

const payloadSchema = z.object({
  lot_id: z.string(),
  gate_id: z.string(),
  issued_at: instant,
  valid_until: instant,
  plates: z.array(
    z.object({
      plate: z.string().transform(normalizePlate),
      reservation_id: z.string(),
      spot_label: z.string().nullish(),
      level: z.union([z.string(), z.number()]).nullish(),
      valid_from: instant,
      valid_until: instant,
    }),
  ),
  qr_kids: z.array(z.string()).default([]),
});
export type OfflineCachePayload = z.output<typeof payloadSchema>;
export type CachedPlate = OfflineCachePayload["plates"][number];

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

interface Stored {
  token: string;
  jwks: JSONWebKeySet;
  fetched_at: string;
}

/** The cache is only worth anything if the server signed it: everything read is verified first. */
export async function verifyCacheToken(token: string, jwks: JSONWebKeySet, lotId: string, gateId: string): Promise<OfflineCachePayload> {
  const { payload } = await compactVerify(token, createLocalJWKSet(jwks), { algorithms: ["EdDSA", "Ed25519"] });
  const parsed = payloadSchema.parse(JSON.parse(new TextDecoder().decode(payload)));
  if (parsed.lot_id !== lotId) throw new Error(`offline cache is for lot ${parsed.lot_id}, this gate is in lot ${lotId}`);
  if (parsed.gate_id !== gateId) throw new Error(`offline cache is for gate ${parsed.gate_id}, this gate is ${gateId}`);
  return parsed;
}

export class OfflineCache {
  private payload: OfflineCachePayload | null = null;
  private keySet: JSONWebKeySet | null = null;
  private readonly file: string;

  constructor(
    private readonly options: { dir: string; lotId: string; gateId: string; client: ServerClient; log: Logger; fetchTimeoutMs?: number },
  ) {
    this.file = path.join(options.dir, "offline-cache.json");
  }

  /** Restores what an earlier run stored, so a restart while the server is down still decides. */
  async load(): Promise<void> {
    let stored: Stored;
    try {
      stored = JSON.parse(await readFile(this.file, "utf8")) as Stored;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") this.options.log.warn("offline cache unreadable", { error: errorText(err) });
      return;
    }
    try {
      this.payload = await verifyCacheToken(stored.token, stored.jwks, this.options.lotId, this.options.gateId);
      this.keySet = stored.jwks;
      this.options.log.info("offline cache restored", { plates: this.payload.plates.length, valid_until: this.validUntil });
    } catch (err) {
      this.options.log.warn("stored offline cache rejected", { error: errorText(err) });
    }
  }

  async refresh(): Promise<void> {
    const timeout = this.options.fetchTimeoutMs ?? 10_000;
    const jwks = jwksSchema.parse(await this.options.client.keys(timeout)) as unknown as JSONWebKeySet;
    const { token } = await this.options.client.offlineCache(timeout);
    const payload = await verifyCacheToken(token, jwks, this.options.lotId, this.options.gateId);
    // Persist before use: what this run decides on is what a restarted run will find.
    const stored: Stored = { token, jwks, fetched_at: new Date().toISOString() };
    await writeFileAtomic(this.file, JSON.stringify(stored));
    this.payload = payload;
    this.keySet = jwks;
    this.options.log.info("offline cache refreshed", { plates: payload.plates.length, valid_until: this.validUntil });
  }

  get jwks(): JSONWebKeySet | null {
    return this.keySet;
  }

  /** Key ids the server uses for passes; empty when unknown (then any key in the JWKS will do). */
  get qrKids(): string[] {
    return this.payload?.qr_kids ?? [];
  }

  get validUntil(): string | null {
    return this.payload ? new Date(this.payload.valid_until).toISOString() : null;
  }

  /** Whether a plate may enter at `now` on what the cache (itself still valid) lists. */
  findPlate(plate: string, now: number): PlateLookup {
    if (!this.payload) return { status: "no_cache" };
    if (now >= this.payload.valid_until) return { status: "cache_expired" };
    const entries = this.payload.plates.filter((p) => p.plate === plate);
    const valid = entries.find((p) => p.valid_from <= now && now < p.valid_until);
    if (valid) return { status: "valid", entry: valid };
    if (entries.some((p) => now < p.valid_from)) return { status: "too_early" };
    if (entries.length > 0) return { status: "expired" };
    return { status: "not_found" };
  }

  /**
   * A pass stays valid until a day after the booked end so the exit still reads it; for an entry the
   * cache's window of the same reservation, when the cache lists it, is the stricter and fresher rule.
   */
  reservationWindow(reservationId: string, now: number): ReservationLookup {
    if (!this.payload || now >= this.payload.valid_until) return "unknown";
    const entries = this.payload.plates.filter((p) => p.reservation_id === reservationId);
    if (entries.length === 0) return "unknown";
    if (entries.some((p) => p.valid_from <= now && now < p.valid_until)) return "valid";
    return entries.some((p) => now < p.valid_from) ? "too_early" : "expired";
  }
}

export type ReservationLookup = "valid" | "too_early" | "expired" | "unknown";

export type PlateLookup =
  | { status: "valid"; entry: CachedPlate }
  | { status: "no_cache" | "cache_expired" | "not_found" | "too_early" | "expired" };
