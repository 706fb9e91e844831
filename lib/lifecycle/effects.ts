import type { Db, DbOrTx } from "@/db/client";
import type { ReservationStatus } from "@/db/schema";
import { syncGatePassEffect } from "@/lib/gates/sync-gate-pass";
import { confirmationEmailEffect } from "@/lib/mail/booking-confirmation";
import { emitLifecycleEvents } from "@/lib/workflows/lifecycle-events";
import type { Cause } from "./state-machine";

/** A committed change to a reservation: a lifecycle transition, or an edit of its window. */
export type LifecycleChange =
  | { kind: "transition"; reservationId: string; from: ReservationStatus; to: ReservationStatus; cause: Cause; at: Date }
  | { kind: "created"; reservationId: string; at: Date }
  | { kind: "edited"; reservationId: string; at: Date };

export type LifecycleEffect = (db: Db, changes: LifecycleChange[]) => Promise<void>;

/**
 * What must follow a committed change outside PostgreSQL (gate pass keys in Redis, workflow events).
 * These run only after the commit — never for a rolled-back change — and each is idempotent and
 * order-independent (it re-reads the reservation), because a crash can skip one: the scheduler's
 * backstop and the next change repair what a skipped effect left behind.
 */
const EFFECTS: LifecycleEffect[] = [
  // Gate pass keys in Redis (plate/rid → reservation), the gates' fast path. First: a car may be at
  // the barrier right after paying, and this one is local and fast.
  syncGatePassEffect,
  // parking/reservation.* workflow events (Inngest, or the in-process scheduler); the SDK retries
  // for a while when Inngest is unreachable, which must not delay the gate pass.
  emitLifecycleEvents,
  // The booking confirmation e-mail when SMTP is configured: started here, sent in the background.
  confirmationEmailEffect,
];

const pending = new WeakMap<object, LifecycleChange[]>();

/** Called by `transition` (and window edits) inside the transaction. */
export function recordChange(tx: DbOrTx, change: LifecycleChange) {
  const list = pending.get(tx);
  if (!list) throw new Error("Lifecycle changes must run inside lifecycleTransaction()");
  list.push(change);
}

/** db.transaction, then the effects of every change it committed. */
export async function lifecycleTransaction<T>(db: Db, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  let changes: LifecycleChange[] = [];
  const result = await db.transaction(async (tx) => {
    changes = [];
    pending.set(tx, changes);
    return fn(tx);
  });
  if (changes.length) await runEffects(db, changes);
  return result;
}

export async function runEffects(db: Db, changes: LifecycleChange[]) {
  for (const effect of EFFECTS) {
    try {
      await effect(db, changes);
    } catch (err) {
      console.warn("[spotkeeper] lifecycle effect failed (the scheduler backstop repairs it):", (err as Error).message);
    }
  }
}
