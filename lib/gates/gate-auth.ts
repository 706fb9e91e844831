import type { Db } from "@/db/client";
import { findGateBySecretHash } from "@/db/queries/gates";
import { findCallerByToken } from "@/db/queries/users";
import type { Lot } from "@/db/schema";
import { hashToken } from "@/lib/auth/secrets";
import { ApiError } from "@/lib/errors";
import { FORGET_REACHES_ALL_MS, sharedCache } from "@/lib/redis/shared-cache";

export type GateIdentity = { id: string; lotId: string; name: string; direction: "entry" | "exit" };
/** An authenticated gate and its lot, whose settings every decision reads. */
export type GateContext = { gate: GateIdentity; lot: Lot };

export const GATE_SECRET_PREFIX = "gk_";

/**
 * Verified secrets are remembered for this long, so a read at the barrier costs a SHA-256 and a
 * map lookup, not a query. Edited lot settings reach the gates within this time. A rotated secret
 * is refused at once by the process that rotated it and, with Redis, by every other process within
 * ROTATION_REACHES_ALL_MS (lib/redis/shared-cache.ts).
 */
export const GATE_AUTH_TTL_MS = 30_000;
export const ROTATION_REACHES_ALL_MS = FORGET_REACHES_ALL_MS;

const gates = sharedCache<GateContext>("gate-secrets-version", { ttlMs: GATE_AUTH_TTL_MS, max: 50_000 });

export async function authenticateGate(req: Request, db: () => Promise<Db>): Promise<GateContext> {
  const header = req.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw new ApiError("unauthorized", "Gate requests need `Authorization: Bearer <gate secret>`");
  const secret = match[1]!;
  const hash = hashToken(secret);
  const hit = gates.get(hash);
  if (hit) return hit;

  if (!secret.startsWith(GATE_SECRET_PREFIX)) {
    // Say so plainly when a person's token is used here: it is valid, just not a gate's.
    if (await findCallerByToken(await db(), secret))
      throw new ApiError("forbidden", "This endpoint takes a gate's secret, not a user's API token");
    throw new ApiError("unauthorized", "Unknown gate secret");
  }
  const ctx = await gates.load(hash, async () => {
    const row = await findGateBySecretHash(await db(), hash);
    return row && { gate: row.gate, lot: row.lot };
  });
  if (!ctx) throw new ApiError("unauthorized", "Unknown or rotated gate secret");
  return ctx;
}

/** After a rotation: this process stops accepting the gate's old secret at once, the others within ROTATION_REACHES_ALL_MS. */
export function forgetGate(gateId: string) {
  gates.forget(`the rotated secret of gate ${gateId}`);
}

/** A gate acts only as itself, for its own lot. */
export function assertOwnGate(ctx: GateContext, body: { lot_id: string; gate_id: string }) {
  if (body.gate_id !== ctx.gate.id)
    throw new ApiError("forbidden", "This secret belongs to another gate", { gate_id: ctx.gate.id });
  if (body.lot_id !== ctx.gate.lotId)
    throw new ApiError("forbidden", "This gate belongs to another lot", { lot_id: ctx.gate.lotId });
}

/** Entry gates report to check-in, exit gates to check-out: a wiring mistake on the gate PC shows at once. */
export function assertDirection(ctx: GateContext, direction: "entry" | "exit") {
  if (ctx.gate.direction !== direction) {
    const other = direction === "entry" ? "check-out" : "check-in";
    throw new ApiError("forbidden", `This is an ${ctx.gate.direction} gate: it reports to /v1/gates/${other}`);
  }
}
