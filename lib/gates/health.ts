import type { z } from "zod";
import type { GateSelf } from "./contract";
import type { Db } from "@/db/client";
import { gateHealthRows, noteGateContact } from "@/db/queries/gate-health";
import type { GateSelfQuery } from "@/lib/api/gate-schemas";
import { ApiError } from "@/lib/errors";
import type { GateContext } from "./gate-auth";

/** A gate that has not been heard from for longer than this is flagged on the dashboard. */
export const GATE_SILENT_AFTER_MS = 60_000;
/**
 * The bridge checks its pairing every few seconds; a contact after a silence longer than this marks
 * the previous contact as the start of an outage (replays cannot predate it).
 */
export const GATE_OUTAGE_AFTER_MS = 15_000;

/**
 * GET /v1/gates/self: the bridge's pairing check and heartbeat. The secret authenticated the gate;
 * the lot and direction the bridge was configured with must be this gate's too, else it is
 * mis-paired and must not decide (409, which the bridge shows as an error, never as "offline").
 */
export async function gateSelf(db: Db, ctx: GateContext, q: z.output<typeof GateSelfQuery>): Promise<GateSelf> {
  const { gate } = ctx;
  if (q.lot_id && q.lot_id !== gate.lotId)
    throw new ApiError("conflict", "This gate belongs to another lot", { lot_id: gate.lotId });
  if (q.direction && q.direction !== gate.direction)
    throw new ApiError("conflict", `This is an ${gate.direction} gate`, { direction: gate.direction });
  await noteGateContact(
    db,
    gate.id,
    { version: q.version ?? null, queue: q.queue ?? null, cacheAgeS: q.cache_age_s ?? null, relay: q.relay ?? null },
    GATE_OUTAGE_AFTER_MS,
  );
  return {
    gate_id: gate.id,
    lot_id: gate.lotId,
    name: gate.name,
    direction: gate.direction,
    server_time: new Date().toISOString(),
  };
}

export type GateHealth = {
  last_contact_at: string | null;
  silent: boolean;
  queue: number | null;
  cache_age_s: number | null;
  version: string | null;
  relay: "ok" | "failed" | null;
};

/** What each of the lot's bridges last reported, by gate id. */
export async function lotGateHealth(db: Db, lotId: string, now = new Date()): Promise<Map<string, GateHealth>> {
  const rows = await gateHealthRows(db, lotId);
  return new Map(
    rows.map((r) => [
      r.id,
      {
        last_contact_at: r.lastSeenAt?.toISOString() ?? null,
        silent: !r.lastSeenAt || now.getTime() - r.lastSeenAt.getTime() > GATE_SILENT_AFTER_MS,
        queue: r.queueLength,
        cache_age_s: r.cacheAgeS,
        version: r.bridgeVersion,
        relay: r.relayState === "ok" || r.relayState === "failed" ? r.relayState : null,
      },
    ]),
  );
}
