import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { gateCommands, gateDevices, gateEvents, users } from "../schema";

/**
 * A bridge's pairing check doubles as its heartbeat. A contact after a silence longer than
 * `silenceMs` marks the previous contact as the start of an outage (the earliest an offline replay
 * from it can have happened).
 */
export async function noteGateContact(
  db: DbOrTx,
  gateId: string,
  h: { version: string | null; queue: number | null; cacheAgeS: number | null; relay: string | null },
  silenceMs: number,
) {
  await db
    .update(gateDevices)
    .set({
      outageStartedAt: sql`case when ${gateDevices.lastSeenAt} < now() - make_interval(secs => ${silenceMs / 1000}) then ${gateDevices.lastSeenAt} else ${gateDevices.outageStartedAt} end`,
      lastSeenAt: sql`now()`,
      bridgeVersion: h.version,
      queueLength: h.queue,
      cacheAgeS: h.cacheAgeS,
      relayState: h.relay,
    })
    .where(eq(gateDevices.id, gateId));
}

export async function gateHealthRows(db: DbOrTx, lotId: string) {
  return db
    .select({
      id: gateDevices.id,
      lastSeenAt: gateDevices.lastSeenAt,
      outageStartedAt: gateDevices.outageStartedAt,
      bridgeVersion: gateDevices.bridgeVersion,
      queueLength: gateDevices.queueLength,
      cacheAgeS: gateDevices.cacheAgeS,
      relayState: gateDevices.relayState,
    })
    .from(gateDevices)
    .where(eq(gateDevices.lotId, lotId));
}

export async function gateOutageStart(db: DbOrTx, gateId: string) {
  const [row] = await db
    .select({ at: gateDevices.outageStartedAt })
    .from(gateDevices)
    .where(eq(gateDevices.id, gateId))
    .limit(1);
  return row?.at ?? null;
}

/** Notes what the barrier did for an event, and a flag for operators when there is one. */
export async function markGateEvent(
  db: DbOrTx,
  eventId: string,
  m: { barrier?: string; flag?: string | null; response?: Record<string, unknown> },
) {
  const [row] = await db
    .update(gateEvents)
    .set({
      ...(m.barrier ? { barrier: m.barrier } : {}),
      ...(m.flag ? { flag: m.flag } : {}),
      ...(m.response ? { response: m.response } : {}),
    })
    .where(eq(gateEvents.eventId, eventId))
    .returning();
  return row ?? null;
}

/** Acknowledges a command once, with what happened; a second ack keeps the first. */
export async function ackGateCommandResult(
  db: DbOrTx,
  gateId: string,
  commandId: string,
  result: "executed" | "failed",
  failure: string | null,
) {
  const [row] = await db
    .update(gateCommands)
    .set({
      ackedAt: sql`coalesce(${gateCommands.ackedAt}, now())`,
      result: sql`coalesce(${gateCommands.result}, ${result})`,
      failure: sql`coalesce(${gateCommands.failure}, ${failure})`,
    })
    .where(and(eq(gateCommands.id, commandId), eq(gateCommands.gateId, gateId)))
    .returning();
  return row ?? null;
}

export async function findGateCommand(db: DbOrTx, gateId: string, commandId: string) {
  const [row] = await db
    .select({ ...getTableColumns(gateCommands), actorName: users.name })
    .from(gateCommands)
    .innerJoin(users, eq(users.id, gateCommands.actorId))
    .where(and(eq(gateCommands.id, commandId), eq(gateCommands.gateId, gateId)))
    .limit(1);
  return row ?? null;
}
