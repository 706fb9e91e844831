import type { Db } from "@/db/client";
import { findReservation, reservationStates } from "@/db/queries/reservations";
import type { ReservationStatus } from "@/db/schema";
import type { VehicleMovementData } from "@/inngest/events";
import { isApiError } from "@/lib/errors";
import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import type { Cause } from "@/lib/lifecycle/state-machine";
import { checkIn, checkInMany } from "@/lib/lifecycle/transitions";
import { checkOut, checkOutMany, type CheckOutResult } from "@/lib/reservations/check-out";

export type EntryOutcome =
  | { outcome: "checked_in" | "already_checked_in"; status: ReservationStatus }
  | { outcome: "ignored"; status: ReservationStatus | "missing"; reason: string };

export type ExitOutcome =
  | ({ outcome: "completed" | "already_completed" } & CheckOutResult)
  | { outcome: "ignored"; status: ReservationStatus | "missing"; reason: string };

const gateNote = (e: VehicleMovementData) => `Gate ${e.gate_id}, read ${e.event_id}`;

/**
 * A car entered (the gate already opened from Redis): confirmed → checked_in in PostgreSQL, which
 * also ends the no-show wait. A replayed or late event is a no-op; an entry for a reservation that
 * can no longer check in is logged, not retried — retrying cannot change it.
 */
export async function recordVehicleEntry(db: Db, e: VehicleMovementData, cause: Cause): Promise<EntryOutcome> {
  const result = await lifecycleTransaction(db, async (tx): Promise<EntryOutcome> => {
    const r = await findReservation(tx, e.reservation_id, { forUpdate: true });
    if (r?.status !== "confirmed" || r.lotId !== e.lot_id) return entryOutcomeOf(r, e);
    await checkIn(tx, r, { cause, at: new Date(e.occurred_at), note: gateNote(e) });
    return { outcome: "checked_in", status: "checked_in" };
  });
  if (result.outcome === "ignored")
    console.warn(`[spotkeeper] entry ${e.event_id} for reservation ${e.reservation_id} ignored: ${result.reason}`);
  return result;
}

/**
 * Many cars entered (a batch of answered gate reads, or of vehicle.entered events): the ones still
 * confirmed are checked in by one statement (lib/lifecycle/transitions.ts: checkInMany), each at its
 * read's time, and their gate passes are rewritten together after the commit. The others are told
 * apart by one read, as recordVehicleEntry tells one: a car already in, or an entry ignored (and
 * logged) because the reservation cannot check in or is another lot's. Returns each event's outcome.
 */
export async function recordVehicleEntries(
  db: Db,
  events: VehicleMovementData[],
  cause: Cause,
): Promise<EntryOutcome[]> {
  if (events.length === 0) return [];
  const first = new Map<string, VehicleMovementData>();
  for (const e of events) if (!first.has(e.reservation_id)) first.set(e.reservation_id, e);
  const moves = [...first.values()].map((e) => ({
    id: e.reservation_id,
    lotId: e.lot_id,
    at: new Date(e.occurred_at),
    note: gateNote(e),
  }));
  const moved = new Set(await lifecycleTransaction(db, (tx) => checkInMany(tx, moves, { cause })));
  const states = await reservationStates(
    db,
    [...first.keys()].filter((id) => !moved.has(id)),
  );
  return events.map((e): EntryOutcome => {
    if (moved.has(e.reservation_id) && first.get(e.reservation_id) === e)
      return { outcome: "checked_in", status: "checked_in" };
    // (A second read of a car this batch checked in finds it in, in the lot its first read named.)
    const r = moved.has(e.reservation_id)
      ? { status: "checked_in" as const, lotId: first.get(e.reservation_id)!.lot_id }
      : (states.get(e.reservation_id) ?? null);
    const out = entryOutcomeOf(r, e);
    if (out.outcome === "ignored")
      console.warn(`[spotkeeper] entry ${e.event_id} for reservation ${e.reservation_id} ignored: ${out.reason}`);
    return out;
  });
}

/** What an entry does to a reservation it cannot (or need not) check in: recordVehicleEntry's answers. */
function entryOutcomeOf(r: { status: ReservationStatus; lotId: string } | null, e: VehicleMovementData): EntryOutcome {
  if (!r) return { outcome: "ignored", status: "missing", reason: "No such reservation" };
  if (r.lotId !== e.lot_id)
    return { outcome: "ignored", status: r.status, reason: `The reservation is for another lot (${r.lotId})` };
  if (r.status === "checked_in" || r.status === "completed") return { outcome: "already_checked_in", status: r.status };
  return {
    outcome: "ignored",
    status: r.status,
    reason: `A ${r.status.replace("_", " ")} reservation cannot check in`,
  };
}

/**
 * A car left: completes the reservation at `occurred_at` through checkOut, which refunds the unused
 * time of an early departure or charges an overstay, and frees the spot at once. checkOut is
 * idempotent (a second exit moves no money), so a replayed event answers `already_completed`.
 */
export async function recordVehicleExit(db: Db, e: VehicleMovementData, cause: Cause): Promise<ExitOutcome> {
  try {
    const arrivedAt = e.received_at ? new Date(e.received_at) : undefined;
    const r = await checkOut(db, e.reservation_id, new Date(e.occurred_at), { cause, note: gateNote(e), arrivedAt });
    return { outcome: r.changed ? "completed" : "already_completed", ...r };
  } catch (err) {
    if (!isApiError(err) || (err.code !== "invalid_state" && err.code !== "not_found")) throw err;
    const status =
      err.code === "not_found"
        ? "missing"
        : ((err.details as { status?: ReservationStatus } | undefined)?.status ?? "missing");
    console.warn(`[spotkeeper] exit ${e.event_id} for reservation ${e.reservation_id} ignored: ${err.message}`);
    return { outcome: "ignored", status, reason: err.message };
  }
}

/** Exits the batch path leaves to checkOut go through it this many at a time, so a batch does not take the whole pool. */
const EXITS_AT_ONCE = 4;

/**
 * Many cars left (a batch of answered gate reads, or of vehicle.exited events): the cars checked in
 * are completed together (checkOutMany: one transaction); every other exit — not checked in yet, a
 * replay, a second read — goes through recordVehicleExit as one would. The money is settled in the
 * background (`settle: "later"`, the gate recorder) or before this returns (`"now"`, an Inngest
 * step that reports it). Returns each event's outcome.
 */
export async function recordVehicleExits(
  db: Db,
  events: VehicleMovementData[],
  cause: Cause,
  opts: { settle: "now" | "later" } = { settle: "later" },
): Promise<ExitOutcome[]> {
  if (events.length === 0) return [];
  const live = events.filter((e) => !e.received_at);
  const byExit = new Map(
    live.map((e) => [
      e,
      { reservationId: e.reservation_id, lotId: e.lot_id, actualEnd: new Date(e.occurred_at), note: gateNote(e) },
    ]),
  );
  const { done, rest } = await checkOutMany(db, [...byExit.values()], cause, opts);
  const left = new Set(rest);
  const completed = new Map(done.map((r) => [r.reservation_id, r]));
  const single = events.filter((e) => !byExit.has(e) || left.has(byExit.get(e)!));
  const outcomes = new Map<VehicleMovementData, ExitOutcome>();
  for (let i = 0; i < single.length; i += EXITS_AT_ONCE) {
    const part = single.slice(i, i + EXITS_AT_ONCE);
    const answers = await Promise.all(part.map((e) => recordVehicleExit(db, e, cause)));
    part.forEach((e, j) => outcomes.set(e, answers[j]!));
  }
  return events.map((e) => outcomes.get(e) ?? { outcome: "completed", ...completed.get(e.reservation_id)! });
}
