import type { Db } from "@/db/client";
import { currentPasses, reservationsWithSpot } from "@/db/queries/gates";
import { lockNames } from "@/db/queries/locks";
import { LOCKS } from "@/db/locks";
import type { LifecycleEffect } from "@/lib/lifecycle/effects";
import { gatePassOf, isPassStatus, passTtlSeconds, type GatePass } from "./gate-pass";
import { gateKeys, gateStores } from "./store";

/** Reservations per transaction: a reconciliation may hand over thousands. */
const CHUNK = 500;

/**
 * Rewrites, from PostgreSQL, the gate pass keys of these reservations: `rid → pass` while the
 * reservation is confirmed or checked in (else deleted), and for each lot+plate involved (now or
 * before) the list of that plate's passes in the lot. Idempotent and order-independent: the keys are
 * re-read and written under advisory locks (LOCKS.gatePassReservation per reservation, then
 * LOCKS.gatePassPlate per lot+plate, each set taken in one global order), so a sync that read older
 * rows always writes before one that reads newer rows, and the last write is the current state.
 *
 * A batch costs the same whatever its size: one transaction of four statements (lock the
 * reservations, read them, lock their plates, read the plates' passes) and two Redis round trips
 * (the keys as they were, for a plate that changed; every write at once).
 */
export async function syncGatePass(db: Db, reservationIds: string[]) {
  const ids = [...new Set(reservationIds)];
  for (let i = 0; i < ids.length; i += CHUNK) await syncChunk(db, ids.slice(i, i + CHUNK));
}

async function syncChunk(db: Db, ids: string[]) {
  const { writer: kv } = gateStores();
  await db.transaction(async (tx) => {
    await lockNames(tx, LOCKS.gatePassReservation, ids);
    const rows = await reservationsWithSpot(tx, ids);
    // The plates the keys were written with, in case a reservation's plate has changed since.
    const before = await kv.getMany(ids.map(gateKeys.reservation));
    const plates = new Map<string, { lotId: string; plate: string }>();
    const notePlate = (lotId: string, plate: string | null) => {
      if (plate) plates.set(`${lotId}:${plate}`, { lotId, plate });
    };
    for (const b of before) {
      if (!b) continue;
      const old = JSON.parse(b) as GatePass;
      notePlate(old.lot_id, old.plate);
    }
    for (const r of rows) notePlate(r.lotId, r.licensePlate);
    await lockNames(tx, LOCKS.gatePassPlate, [...plates.keys()]);
    const byPlate = new Map<string, GatePass[]>();
    for (const r of await currentPasses(tx, { plates: [...plates.values()] })) {
      const pass = gatePassOf(r);
      const k = `${r.lotId}:${r.licensePlate}`;
      if (pass) byPlate.set(k, [...(byPlate.get(k) ?? []), pass]);
    }

    const writes: { key: string; value: string | null; ttlSeconds: number }[] = [];
    const found = new Map(rows.map((r) => [r.id, gatePassOf(r)]));
    for (const id of ids) {
      const pass = found.get(id) ?? null;
      writes.push({
        key: gateKeys.reservation(id),
        value: pass && JSON.stringify(pass),
        ttlSeconds: pass ? passTtlSeconds([pass]) : 0,
      });
    }
    for (const [k, { lotId, plate }] of plates) {
      const passes = byPlate.get(k) ?? [];
      writes.push({
        key: gateKeys.plate(lotId, plate),
        value: passes.length ? JSON.stringify(passes) : null,
        ttlSeconds: passes.length ? passTtlSeconds(passes) : 0,
      });
    }
    const known = { set: gateKeys.knownPlates(), plates: [...new Set([...plates.values()].map((p) => p.plate))] };
    try {
      await kv.writeMany(writes, known);
    } catch (err) {
      // The known-plates set may now lack a plate: drop its marker so no read trusts it until the
      // next rebuild (the pass keys themselves are repaired by the next sync or reconciliation).
      await kv.remove(gateKeys.knownComplete()).catch(() => {});
      throw err;
    }
  });
}

/**
 * The lifecycle effect: every change into or out of a pass status, and every window edit, rewrites
 * the reservation's keys. Creation and the pending_payment → expired edge never touch a pass.
 */
export const syncGatePassEffect: LifecycleEffect = async (db, changes) => {
  const ids = changes
    .filter((c) => c.kind === "edited" || (c.kind === "transition" && (isPassStatus(c.from) || isPassStatus(c.to))))
    .map((c) => c.reservationId);
  if (ids.length) await syncGatePass(db, ids);
};
