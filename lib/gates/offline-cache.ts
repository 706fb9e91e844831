import "server-only";
import type { Db } from "@/db/client";
import { passesBetween } from "@/db/queries/gates";
import { entryWindow } from "./decide";
import type { GateContext } from "./gate-auth";
import { PASS_AFTER_END_MS } from "./gate-pass";
import { CACHE_TYP, signDocument } from "./pass-token";
import { requireSigningKey } from "./signing-key";

/** How far ahead the cache reaches; the bridge refreshes it long before (every few minutes). */
export const OFFLINE_CACHE_HOURS = 6;

export type OfflineCachePayload = {
  lot_id: string;
  gate_id: string;
  issued_at: string;
  valid_until: string;
  plates: { plate: string; reservation_id: string; spot_label: string; valid_from: string; valid_until: string }[];
  qr_kids: string[];
};

/**
 * What a bridge may decide alone while the server is unreachable, signed with the QR key so the
 * bridge can tell it came from us. Each plate carries the window in which this gate may open for
 * it: for an entry gate the entry window (or, in a lot allowing re-entry, until the end for a car
 * already inside — without re-entry a parked car is left out, which is the anti-passback rule);
 * for an exit gate from the entry window's start until a day after the end (exits always open; the
 * plate only names the reservation).
 */
export async function buildOfflineCache(db: Db, ctx: GateContext, now = new Date()) {
  const key = await requireSigningKey();
  const until = new Date(now.getTime() + OFFLINE_CACHE_HOURS * 3600_000);
  const { lot, gate } = ctx;
  // An exit gate also needs the cars that overstay a booking that has ended.
  const endedSince = gate.direction === "exit" ? new Date(now.getTime() - PASS_AFTER_END_MS) : now;
  const rows = await passesBetween(db, lot.id, endedSince, new Date(until.getTime() + lot.gateEntryMarginMinutes * 60_000));
  const plates: OfflineCachePayload["plates"] = [];
  for (const r of rows) {
    if (!r.licensePlate) continue;
    const window = entryWindow({ start: r.startTime.toISOString() }, lot);
    const from = window.from;
    let to = window.until;
    if (gate.direction === "exit") to = new Date(r.endTime.getTime() + PASS_AFTER_END_MS);
    else if (r.status === "checked_in") {
      if (!lot.allowReentry) continue;
      to = r.endTime;
    }
    if (to <= now || from >= until) continue;
    plates.push({ plate: r.licensePlate, reservation_id: r.id, spot_label: r.spotLabel, valid_from: from.toISOString(), valid_until: to.toISOString() });
  }
  const payload: OfflineCachePayload = {
    lot_id: lot.id,
    gate_id: gate.id,
    issued_at: now.toISOString(),
    valid_until: until.toISOString(),
    plates,
    qr_kids: [key.kid],
  };
  return { token: await signDocument(CACHE_TYP, payload), payload };
}
