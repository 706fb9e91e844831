import type { DbOrTx } from "@/db/client";
import {
  insertTransition,
  moveReservationStatus,
  moveReservationsStatus,
  type BatchMove,
} from "@/db/queries/lifecycle";
import type { NewReservation, Reservation, ReservationStatus } from "@/db/schema";
import { noteReleased, noteReleasedMany } from "@/lib/availability";
import { ApiError } from "@/lib/errors";
import { recordChange } from "./effects";
import { canTransition, HOLDS_SPOT, IllegalTransitionError, type Cause } from "./state-machine";

export type TransitionContext = { cause: Cause; actorId?: string | null; note?: string; at?: Date };
type Row = Pick<Reservation, "id" | "status" | "lotId" | "vehicleType" | "startTime" | "endTime">;
type Patch = Partial<
  Pick<NewReservation, "holdExpiresAt" | "cancelledAt" | "checkedInAt" | "checkedOutAt" | "paymentMethodId">
>;

/**
 * Moves a reservation along one lifecycle edge inside the caller's transaction (which should hold
 * the row, e.g. findReservation(..., { forUpdate: true })). Returns false when the reservation is
 * already in the target status — so a retried step or a replayed event is a no-op — and refuses
 * any edge the state machine does not have. Leaving a spot-holding status tells the availability
 * cache before the commit, as its invariant requires.
 */
export async function transition(tx: DbOrTx, r: Row, to: ReservationStatus, ctx: TransitionContext, patch: Patch = {}) {
  if (r.status === to) return false;
  if (!canTransition(r.status, to)) {
    throw new ApiError(
      "invalid_state",
      `A reservation that is ${r.status.replace("_", " ")} cannot become ${to.replace("_", " ")}`,
      {
        status: r.status,
        requested: to,
      },
    );
  }
  if (HOLDS_SPOT.includes(r.status) && !HOLDS_SPOT.includes(to)) {
    await noteReleased(tx, r.lotId, r.vehicleType, { id: r.id, start: r.startTime, end: r.endTime });
  }
  const at = ctx.at ?? new Date();
  if (!(await moveReservationStatus(tx, r.id, r.status, to, at, patch)))
    throw new ApiError("conflict", "The reservation changed meanwhile; please retry");
  await insertTransition(tx, {
    reservationId: r.id,
    fromStatus: r.status,
    toStatus: to,
    cause: ctx.cause,
    actorId: ctx.actorId ?? null,
    note: ctx.note,
    createdAt: at,
  });
  recordChange(tx, { kind: "transition", reservationId: r.id, from: r.status, to, cause: ctx.cause, at });
  r.status = to;
  return true;
}

// One function per edge, so call sites read as the lifecycle does.
export const confirmPaid = (tx: DbOrTx, r: Row, ctx: TransitionContext, paymentMethodId: string | null) =>
  transition(tx, r, "confirmed", ctx, { holdExpiresAt: null, paymentMethodId });
export const expireHold = (tx: DbOrTx, r: Row, ctx: TransitionContext) =>
  transition(tx, r, "expired", ctx, { holdExpiresAt: null });
export const cancel = (tx: DbOrTx, r: Row, ctx: TransitionContext) =>
  transition(tx, r, "cancelled", ctx, { holdExpiresAt: null, cancelledAt: ctx.at ?? new Date() });
export const checkIn = (tx: DbOrTx, r: Row, ctx: TransitionContext) =>
  transition(tx, r, "checked_in", ctx, { checkedInAt: ctx.at ?? new Date() });
export const markNoShow = (tx: DbOrTx, r: Row, ctx: TransitionContext) => transition(tx, r, "no_show", ctx);
export const complete = (tx: DbOrTx, r: Row, ctx: TransitionContext) =>
  transition(tx, r, "completed", ctx, { checkedOutAt: ctx.at ?? new Date() });
/** The gate answered "open" but the barrier never did (relay failure, or the bridge had already refused): the car is outside. */
export const undoCheckIn = (tx: DbOrTx, r: Row, ctx: TransitionContext) =>
  transition(tx, r, "confirmed", ctx, { checkedInAt: null });

/**
 * The same edge for many reservations in one statement (the gate recorder's batches): the state
 * machine's rules are checked once for the edge, each row moves only if it is still in `from`, each
 * move is logged and its effects run after the commit, as `transition` does. Returns the ids that
 * moved (the others had moved on, or are not in the lot named).
 *
 * An edge that releases spots (checked_in → completed) needs each move's row, held by the caller
 * (findReservationsForUpdate): the availability cache is told of every release, as `transition`
 * tells it of one, and every row must move — one that did not would be released in the cache only.
 */
export async function transitionMany(
  tx: DbOrTx,
  from: ReservationStatus,
  to: ReservationStatus,
  moves: (BatchMove & { row?: Row })[],
  ctx: Pick<TransitionContext, "cause">,
) {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  const releases = HOLDS_SPOT.includes(from) && !HOLDS_SPOT.includes(to);
  if (releases) {
    const groups = new Map<string, Row[]>();
    for (const m of moves) {
      if (!m.row || m.row.id !== m.id || m.row.status !== from)
        throw new Error(`${from} → ${to} releases spots: each move needs its row, held and still ${from}`);
      const key = `${m.row.lotId}:${m.row.vehicleType}`;
      groups.set(key, [...(groups.get(key) ?? []), m.row]);
    }
    for (const rows of groups.values())
      await noteReleasedMany(
        tx,
        rows[0]!.lotId,
        rows[0]!.vehicleType,
        rows.map((r) => ({ id: r.id, start: r.startTime, end: r.endTime })),
      );
  }
  const stamp = to === "checked_in" ? "checked_in_at" : to === "completed" ? "checked_out_at" : null;
  const moved = await moveReservationsStatus(tx, from, to, ctx.cause, moves, stamp);
  if (releases && moved.length !== moves.length)
    throw new ApiError("conflict", "A reservation changed meanwhile; please retry");
  const at = new Map(moves.map((m) => [m.id, m.at]));
  for (const id of moved)
    recordChange(tx, { kind: "transition", reservationId: id, from, to, cause: ctx.cause, at: at.get(id)! });
  // (For a releasing edge every row moved, checked above.)
  if (releases) for (const m of moves) m.row!.status = to;
  return moved;
}

/** Gate entries of a batch: confirmed → checked_in, each at its read's time. */
export const checkInMany = (tx: DbOrTx, moves: BatchMove[], ctx: Pick<TransitionContext, "cause">) =>
  transitionMany(tx, "confirmed", "checked_in", moves, ctx);

/** Gate exits of a batch: checked_in → completed, each at its read's time (rows held by the caller). */
export const completeMany = (tx: DbOrTx, moves: (BatchMove & { row: Row })[], ctx: Pick<TransitionContext, "cause">) =>
  transitionMany(tx, "checked_in", "completed", moves, ctx);
