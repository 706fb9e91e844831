import type { z } from "zod";
import type { Db } from "@/db/client";
import { insertGate, listGates, setGateSecret, type GateRow } from "@/db/queries/gates";
import { findLot } from "@/db/queries/lots";
import type { CreateGateInput } from "@/lib/api/gate-schemas";
import { generateToken, hashToken } from "@/lib/auth/secrets";
import { ApiError, PG, pgCode } from "@/lib/errors";
import { forgetGate, GATE_SECRET_PREFIX } from "./gate-auth";
import { lotGateHealth } from "./health";

export const newGateSecret = () => generateToken(GATE_SECRET_PREFIX.slice(0, -1));

export function gateOut(g: GateRow) {
  return {
    gate_id: g.id,
    lot_id: g.lotId,
    name: g.name,
    direction: g.direction,
    created_at: g.createdAt.toISOString(),
    secret_rotated_at: g.secretRotatedAt?.toISOString() ?? null,
  };
}

async function requireLot(db: Db, lotId: string) {
  const lot = await findLot(db, lotId);
  if (!lot) throw new ApiError("not_found", "Lot not found");
  return lot;
}

/** A new gate and its secret; only the secret's hash is stored, so this is the one time it is seen. */
export async function createGate(db: Db, lotId: string, input: z.output<typeof CreateGateInput>) {
  await requireLot(db, lotId);
  const secret = newGateSecret();
  try {
    const gate = await insertGate(db, {
      lotId,
      name: input.name,
      direction: input.direction,
      secretHash: hashToken(secret),
    });
    return { ...gateOut(gate), secret };
  } catch (err) {
    if (pgCode(err) === PG.uniqueViolation)
      throw new ApiError("conflict", "This lot already has a gate with that name", { name: input.name });
    throw err;
  }
}

/** Replaces the gate's secret: the old one stops working here at once, in other processes within the auth cache's TTL. */
export async function rotateGateSecret(db: Db, lotId: string, gateId: string) {
  const secret = newGateSecret();
  const gate = await setGateSecret(db, lotId, gateId, hashToken(secret));
  if (!gate) throw new ApiError("not_found", "Gate not found");
  forgetGate(gate.id);
  return { gate_id: gate.id, secret };
}

/** The lot's gates, each with what its bridge last reported (a gate silent for over a minute is flagged). */
export async function gatesOfLot(db: Db, lotId: string) {
  await requireLot(db, lotId);
  const [gates, health] = await Promise.all([listGates(db, lotId), lotGateHealth(db, lotId)]);
  return gates.map((g) => ({ ...gateOut(g), health: health.get(g.id) }));
}
