import "server-only";
import type { Db } from "@/db/client";
import { offlineCacheRows } from "@/db/queries/gate-offline";
import { entryWindow } from "./decide";
import type { GateContext } from "./gate-auth";
import { PASS_AFTER_END_MS, isPassStatus } from "./gate-pass";
import { CACHE_TYP, signDocument } from "./pass-token";
import { requireSigningKey } from "./signing-key";

/** How far ahead the cache reaches; the bridge updates it every few seconds (`since`) long before. */
export const OFFLINE_CACHE_HOURS = 6;
/**
 * A delta starts this much before the cursor it was asked for: a reservation committed with an
 * updated_at a moment older than a concurrent cache build is not missed; the bridge's merge is
 * idempotent, so the overlap costs nothing.
 */
const CURSOR_OVERLAP_MS = 5_000;

export type OfflineCachePayload = {
  lot_id: string;
  gate_id: string;
  issued_at: string;
  valid_until: string;
  /** Pass `since=<cursor>` to get only what changed after this cache. */
  cursor: string;
  /** On a delta: the cursor it continues; the bridge applies it on top of what it has. */
  since?: string;
  /** On a delta: every reservation it speaks for; the bridge drops what it knew of them first. */
  changed?: string[];
  plates: { plate: string; reservation_id: string; spot_label: string; valid_from: string; valid_until: string }[];
  /** Reservations whose QR pass still verifies but must not open: cancelled, no-show, completed. */
  revoked: string[];
  /** Cars inside (checked in) where the lot does not allow re-entry: anti-passback offline. */
  inside: string[];
  qr_kids: string[];
};

/**
 * What a bridge may decide alone while the server is unreachable, signed with the QR key so the
 * bridge can tell it came from us. Each plate carries the window in which this gate may open for
 * it: for an entry gate the entry window (or, in a lot allowing re-entry, until the end for a car
 * already inside); for an exit gate from the entry window's start until a day after the end (exits
 * always open; the plate only names the reservation). With `since`, only the reservations changed
 * after that cursor (a few rows), so bridges can ask every few seconds.
 */
export async function buildOfflineCache(db: Db, ctx: GateContext, opts: { now?: Date; since?: Date } = {}) {
  const now = opts.now ?? new Date();
  const key = await requireSigningKey();
  const until = new Date(now.getTime() + OFFLINE_CACHE_HOURS * 3600_000);
  const { lot, gate } = ctx;
  // A pass verifies until a day after the end, so revocations reach back as far.
  const since = opts.since ? new Date(opts.since.getTime() - CURSOR_OVERLAP_MS) : undefined;
  const rows = await offlineCacheRows(
    db,
    lot.id,
    new Date(now.getTime() - PASS_AFTER_END_MS),
    new Date(until.getTime() + lot.gateEntryMarginMinutes * 60_000),
    since,
  );
  const payload: OfflineCachePayload = {
    lot_id: lot.id,
    gate_id: gate.id,
    issued_at: now.toISOString(),
    valid_until: until.toISOString(),
    cursor: now.toISOString(),
    ...(since ? { since: opts.since!.toISOString(), changed: rows.map((r) => r.id) } : {}),
    plates: [],
    revoked: [],
    inside: [],
    qr_kids: [key.kid],
  };
  for (const r of rows) {
    if (!isPassStatus(r.status)) {
      payload.revoked.push(r.id);
      continue;
    }
    if (r.status === "checked_in" && gate.direction === "entry" && !lot.allowReentry) payload.inside.push(r.id);
    if (!r.licensePlate) continue;
    const window = entryWindow({ start: r.startTime.toISOString(), policy: r.policy }, lot);
    const from = window.from;
    let to = window.until;
    if (gate.direction === "exit") to = new Date(r.endTime.getTime() + PASS_AFTER_END_MS);
    else if (r.status === "checked_in") {
      if (!lot.allowReentry) continue;
      to = r.endTime;
    }
    if (to <= now || from >= until) continue;
    payload.plates.push({
      plate: r.licensePlate,
      reservation_id: r.id,
      spot_label: r.spotLabel,
      valid_from: from.toISOString(),
      valid_until: to.toISOString(),
    });
  }
  return { token: await signDocument(CACHE_TYP, payload), payload };
}
