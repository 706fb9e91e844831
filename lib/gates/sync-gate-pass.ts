import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { activeReservationsForPlate, reservationsWithSpot } from "@/db/queries/gates";
import type { LifecycleEffect } from "@/lib/lifecycle/effects";
import { gatePassOf, isPassStatus, passTtlSeconds, type GatePass } from "./gate-pass";
import { noteKnownPlate } from "./pass-reconcile";
import { gateKeys, gateStores } from "./store";
import { LOCKS } from "@/db/locks";

// Two-key advisory locks: LOCKS.gatePassReservation for a reservation's key, LOCKS.gatePassPlate for a lot+plate key.
const ridLock = (id: string) => sql`select pg_advisory_xact_lock(${LOCKS.gatePassReservation}, hashtext(${id}))`;
const plateLock = (lotId: string, plate: string) => sql`select pg_advisory_xact_lock(${LOCKS.gatePassPlate}, hashtext(${`${lotId}:${plate}`}))`;

/**
 * Rewrites the gate pass keys of these reservations from PostgreSQL: `rid → pass` while the
 * reservation is confirmed or checked in (else deleted), and for each lot+plate involved (now or
 * before) the list of that plate's passes in the lot. Idempotent and order-independent: each key is
 * re-read and written under an advisory lock, so a sync that read older rows always writes before
 * one that reads newer rows, and the last write is the current state.
 */
export async function syncGatePass(db: Db, reservationIds: string[]) {
  const { writer: kv } = gateStores();
  const plates = new Map<string, { lotId: string; plate: string }>();
  const notePlate = (lotId: string, plate: string | null) => {
    if (plate) plates.set(`${lotId}:${plate}`, { lotId, plate });
  };

  for (const id of new Set(reservationIds)) {
    await db.transaction(async (tx) => {
      await tx.execute(ridLock(id));
      const key = gateKeys.reservation(id);
      // The plate the key was written with, in case the reservation's plate has changed since.
      const before = await kv.get(key);
      if (before) {
        const old = JSON.parse(before) as GatePass;
        notePlate(old.lot_id, old.plate);
      }
      const [row] = await reservationsWithSpot(tx, [id]);
      if (!row) return kv.remove(key);
      notePlate(row.lotId, row.licensePlate);
      const pass = gatePassOf(row);
      if (pass) await kv.put(key, JSON.stringify(pass), passTtlSeconds([pass]));
      else await kv.remove(key);
    });
  }

  for (const { lotId, plate } of plates.values()) {
    await noteKnownPlate(plate);
    await db.transaction(async (tx) => {
      await tx.execute(plateLock(lotId, plate));
      const passes = (await activeReservationsForPlate(tx, lotId, plate)).map(gatePassOf).filter((p) => p !== null);
      const key = gateKeys.plate(lotId, plate);
      if (passes.length) await kv.put(key, JSON.stringify(passes), passTtlSeconds(passes));
      else await kv.remove(key);
    });
  }
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
