import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { PASS_STATUSES } from "@/lib/gates/gate-pass";
import { withSpot } from "./reservations";
import {
  gateCommands,
  gateDevices,
  gateEvents,
  lots,
  payments,
  reservations,
  spots,
  users,
  type GateCollection,
  type NewGateEvent,
} from "../schema";

/** Reservations with their spot's label and level, by id. */
export async function reservationsWithSpot(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select(withSpot)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(inArray(reservations.id, ids));
}

export type ReservationForGate = Awaited<ReturnType<typeof reservationsWithSpot>>[number];

/**
 * The gate passes: confirmed and checked-in reservations not ended more than a day ago, with their
 * spot, earliest first — of one lot, of some lot+plate pairs, or of every lot.
 */
export async function currentPasses(
  db: DbOrTx,
  of: { lotId?: string; plates?: { lotId: string; plate: string }[] } = {},
) {
  if (of.plates?.length === 0) return [];
  const pairs =
    of.plates &&
    sql`(${reservations.lotId}, ${reservations.licensePlate}) in (${sql.join(
      of.plates.map((p) => sql`(${p.lotId}::uuid, ${p.plate})`),
      sql`, `,
    )})`;
  return db
    .select(withSpot)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(
      and(
        of.lotId ? eq(reservations.lotId, of.lotId) : undefined,
        pairs,
        inArray(reservations.status, [...PASS_STATUSES]),
        gt(reservations.endTime, sql`now() - interval '1 day'`),
      ),
    )
    .orderBy(asc(reservations.startTime));
}

/** Every reservation of a plate, any lot or status, not ended before `since`: the reasons for a refusal. */
export async function reservationsForPlateSince(db: DbOrTx, plate: string, since: Date) {
  return db
    .select(withSpot)
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .where(and(eq(reservations.licensePlate, plate), gte(reservations.endTime, since)))
    .orderBy(asc(reservations.startTime))
    .limit(50);
}

// ---- Gate devices -----------------------------------------------------------------------------

const gateColumns = {
  id: gateDevices.id,
  lotId: gateDevices.lotId,
  name: gateDevices.name,
  direction: gateDevices.direction,
  createdAt: gateDevices.createdAt,
  secretRotatedAt: gateDevices.secretRotatedAt,
};

/** The gate holding this secret hash, with its lot (whose settings every decision reads). */
export async function findGateBySecretHash(db: DbOrTx, secretHash: string) {
  const [row] = await db
    .select({ gate: gateColumns, lot: lots })
    .from(gateDevices)
    .innerJoin(lots, eq(lots.id, gateDevices.lotId))
    .where(eq(gateDevices.secretHash, secretHash))
    .limit(1);
  return row ?? null;
}

export async function insertGate(
  db: DbOrTx,
  g: { lotId: string; name: string; direction: "entry" | "exit"; secretHash: string },
) {
  const [row] = await db.insert(gateDevices).values(g).returning(gateColumns);
  return row!;
}

export async function setGateSecret(db: DbOrTx, lotId: string, gateId: string, secretHash: string) {
  const [row] = await db
    .update(gateDevices)
    .set({ secretHash, secretRotatedAt: new Date() })
    .where(and(eq(gateDevices.id, gateId), eq(gateDevices.lotId, lotId)))
    .returning(gateColumns);
  return row ?? null;
}

export async function listGates(db: DbOrTx, lotId: string) {
  return db
    .select(gateColumns)
    .from(gateDevices)
    .where(eq(gateDevices.lotId, lotId))
    .orderBy(asc(gateDevices.direction), asc(gateDevices.name));
}

export async function findGate(db: DbOrTx, gateId: string) {
  const [row] = await db.select(gateColumns).from(gateDevices).where(eq(gateDevices.id, gateId)).limit(1);
  return row ?? null;
}

export type GateRow = Awaited<ReturnType<typeof listGates>>[number];

// ---- Gate events ------------------------------------------------------------------------------

/** Inserts the event unless its event id is recorded already; returns the row only when inserted. */
export async function insertGateEvent(db: DbOrTx, e: NewGateEvent) {
  const [row] = await db.insert(gateEvents).values(e).onConflictDoNothing({ target: gateEvents.eventId }).returning();
  return row ?? null;
}

export async function findGateEvent(db: DbOrTx, eventId: string) {
  const [row] = await db.select().from(gateEvents).where(eq(gateEvents.eventId, eventId)).limit(1);
  return row ?? null;
}

/** A lot's gate events, newest first, optionally only those with a given collection outcome. */
export async function listGateEvents(db: DbOrTx, q: { lotId: string; collection?: GateCollection; limit: number }) {
  return db
    .select({ ...getTableColumns(gateEvents), gateName: gateDevices.name, actorName: users.name })
    .from(gateEvents)
    .innerJoin(gateDevices, eq(gateDevices.id, gateEvents.gateId))
    .leftJoin(users, eq(users.id, gateEvents.actorId))
    .where(and(eq(gateEvents.lotId, q.lotId), q.collection ? eq(gateEvents.collection, q.collection) : undefined))
    .orderBy(desc(gateEvents.occurredAt), desc(gateEvents.id))
    .limit(q.limit);
}

/** The status of a check-out's overstay charge (its ledger key is lib/reservations/check-out.ts'). */
export async function overstayChargeStatus(db: DbOrTx, reservationId: string) {
  const [row] = await db
    .select({ status: payments.status })
    .from(payments)
    .where(eq(payments.idempotencyKey, `overstay:${reservationId}`))
    .limit(1);
  return row?.status ?? null;
}

// ---- Commands ---------------------------------------------------------------------------------

export async function insertGateCommand(
  db: DbOrTx,
  c: { gateId: string; command: string; reason: string; actorId: string },
) {
  const [row] = await db.insert(gateCommands).values(c).returning();
  return row!;
}

/** Commands not yet acknowledged and issued after `since` (an old "open" must not fire minutes later). */
export async function pendingGateCommands(db: DbOrTx, gateId: string, since: Date) {
  return db
    .select({ ...getTableColumns(gateCommands), actorName: users.name })
    .from(gateCommands)
    .innerJoin(users, eq(users.id, gateCommands.actorId))
    .where(and(eq(gateCommands.gateId, gateId), isNull(gateCommands.ackedAt), gt(gateCommands.createdAt, since)))
    .orderBy(asc(gateCommands.createdAt))
    .limit(20);
}

export async function ackGateCommand(db: DbOrTx, gateId: string, commandId: string) {
  const [row] = await db
    .update(gateCommands)
    .set({ ackedAt: sql`coalesce(${gateCommands.ackedAt}, now())` })
    .where(and(eq(gateCommands.id, commandId), eq(gateCommands.gateId, gateId)))
    .returning();
  return row ?? null;
}
