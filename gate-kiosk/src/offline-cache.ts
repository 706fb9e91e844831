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
  revoked: z.array(z.string()).default([]),
  inside: z.array(z.string()).default([]),
  cursor: z.string().optional(),
  since: z.string().optional(),
  changed: z.array(z.string()).optional(),
});
export type OfflineCachePayload = z.output<typeof payloadSchema>;
export type CachedPlate = OfflineCachePayload["plates"][number];

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

interface Stored {
  token: string;
  /** Incremental updates applied on top of `token`, oldest first (each verified again on load). */
  deltas?: string[];
  jwks: JSONWebKeySet;
  fetched_at: string;
}

/** A full refresh replaces the deltas this often; in between, only what changed is fetched. */
const FULL_REFRESH_MS = 5 * 60_000;

/** Applies a delta (the reservations it names, as they are now) on top of a cache. */
function merge(base: OfflineCachePayload, delta: OfflineCachePayload): OfflineCachePayload {
  const changed = new Set(delta.changed ?? []);
  const keep = (ids: string[]) => ids.filter((id) => !changed.has(id));
  return {
    ...base,
    issued_at: delta.issued_at,
    valid_until: delta.valid_until,
    cursor: delta.cursor,
    plates: [...base.plates.filter((p) => !changed.has(p.reservation_id)), ...delta.plates],
    revoked: [...keep(base.revoked), ...delta.revoked],
    inside: [...keep(base.inside), ...delta.inside],
    qr_kids: delta.qr_kids.length ? delta.qr_kids : base.qr_kids,
  };
}

/** The cache is only worth anything if the server signed it: everything read is verified first. */
export async function verifyCacheToken(
  token: string,
  jwks: JSONWebKeySet,
  lotId: string,
  gateId: string,
): Promise<OfflineCachePayload> {
  const { payload } = await compactVerify(token, createLocalJWKSet(jwks), { algorithms: ["EdDSA", "Ed25519"] });
  const parsed = payloadSchema.parse(JSON.parse(new TextDecoder().decode(payload)));
  if (parsed.lot_id !== lotId)
    throw new Error(`offline cache is for lot ${parsed.lot_id}, this gate is in lot ${lotId}`);
  if (parsed.gate_id !== gateId) throw new Error(`offline cache is for gate ${parsed.gate_id}, this gate is ${gateId}`);
  return parsed;
}

export class OfflineCache {
  private payload: OfflineCachePayload | null = null;
  private keySet: JSONWebKeySet | null = null;
  private stored: Stored | null = null;
  private fullAt = 0;
  private revokedIds = new Set<string>();
  private insideIds = new Set<string>();
  private readonly file: string;

  constructor(
    private readonly options: {
      dir: string;
      lotId: string;
      gateId: string;
      client: ServerClient;
      log: Logger;
      fetchTimeoutMs?: number;
    },
  ) {
    this.file = path.join(options.dir, "offline-cache.json");
  }

  /** Restores what an earlier run stored, so a restart while the server is down still decides. */
  async load(): Promise<void> {
    let stored: Stored;
    try {
      stored = JSON.parse(await readFile(this.file, "utf8")) as Stored;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT")
        this.options.log.warn("offline cache unreadable", { error: errorText(err) });
      return;
    }
    try {
      let payload = await verifyCacheToken(stored.token, stored.jwks, this.options.lotId, this.options.gateId);
      for (const delta of stored.deltas ?? [])
        payload = merge(payload, await verifyCacheToken(delta, stored.jwks, this.options.lotId, this.options.gateId));
      this.use(payload, stored.jwks, stored);
      this.options.log.info("offline cache restored", { plates: payload.plates.length, valid_until: this.validUntil });
    } catch (err) {
      this.options.log.warn("stored offline cache rejected", { error: errorText(err) });
    }
  }

  /**
   * Every few seconds: only what changed since the cache's cursor (a cancelled booking's pass is
   * refused offline within seconds, a new booking's plate opens); a full copy every few minutes.
   */
  async refresh(): Promise<void> {
    const timeout = this.options.fetchTimeoutMs ?? 10_000;
    const incremental =
      this.payload?.cursor && this.stored && this.keySet && Date.now() - this.fullAt < FULL_REFRESH_MS;
    if (incremental) {
      const { token } = await this.options.client.offlineCache(timeout, this.payload!.cursor);
      const delta = await verifyCacheToken(token, this.keySet!, this.options.lotId, this.options.gateId);
      const stored: Stored = {
        ...this.stored!,
        deltas: [...(this.stored!.deltas ?? []), token],
        fetched_at: new Date().toISOString(),
      };
      // Persist before use: what this run decides on is what a restarted run will find.
      await writeFileAtomic(this.file, JSON.stringify(stored));
      this.use(merge(this.payload!, delta), this.keySet!, stored);
      if (delta.changed?.length) this.options.log.debug("offline cache updated", { changed: delta.changed.length });
      return;
    }
    const jwks = jwksSchema.parse(await this.options.client.keys(timeout)) as unknown as JSONWebKeySet;
    const { token } = await this.options.client.offlineCache(timeout);
    const payload = await verifyCacheToken(token, jwks, this.options.lotId, this.options.gateId);
    const stored: Stored = { token, jwks, fetched_at: new Date().toISOString() };
    await writeFileAtomic(this.file, JSON.stringify(stored));
    this.use(payload, jwks, stored);
    this.fullAt = Date.now();
    this.options.log.info("offline cache refreshed", { plates: payload.plates.length, valid_until: this.validUntil });
  }

  private use(payload: OfflineCachePayload, jwks: JSONWebKeySet, stored: Stored) {
    this.payload = payload;
    this.keySet = jwks;
    this.stored = stored;
    this.revokedIds = new Set(payload.revoked);
    this.insideIds = new Set(payload.inside);
  }

  /** The server says this reservation's pass must not open (cancelled, refunded, completed). */
  isRevoked(reservationId: string): boolean {
    return this.revokedIds.has(reservationId);
  }

  /** The server says this car is inside (and the lot does not allow re-entry). */
  isInside(reservationId: string): boolean {
    return this.insideIds.has(reservationId);
  }

  /** Seconds since the server issued what the cache knows; null without a cache. */
  get ageSeconds(): number | null {
    return this.payload ? Math.max(0, Math.round((Date.now() - this.payload.issued_at) / 1000)) : null;
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
