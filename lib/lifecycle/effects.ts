import type { Db, DbOrTx } from "@/db/client";
import type { ReservationStatus } from "@/db/schema";
import { syncGatePassEffect } from "@/lib/gates/sync-gate-pass";
import { confirmationEmailEffect } from "@/lib/mail/booking-confirmation";
import { emitLifecycleEvents } from "@/lib/workflows/lifecycle-events";
import type { Cause } from "./state-machine";

/** A committed change to a reservation: a lifecycle transition, or an edit of its window. */
export type LifecycleChange =
  | {
      kind: "transition";
      reservationId: string;
      from: ReservationStatus;
      to: ReservationStatus;
      cause: Cause;
      at: Date;
    }
  /** holdExpiresAt: the new hold's deadline, so announcing it needs no read. */
  | { kind: "created"; reservationId: string; at: Date; holdExpiresAt: Date | null }
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

type Pending = { changes: LifecycleChange[]; afterCommit: (() => Promise<void>)[] };
const pending = new WeakMap<object, Pending>();

function pendingOf(tx: DbOrTx) {
  const p = pending.get(tx);
  if (!p) throw new Error("Lifecycle changes must run inside lifecycleTransaction()");
  return p;
}

/** Called by `transition` (and window edits) inside the transaction. */
export function recordChange(tx: DbOrTx, change: LifecycleChange) {
  pendingOf(tx).changes.push(change);
}

/**
 * Work outside PostgreSQL that this transaction's writes call for (e.g. telling the availability
 * cache in Redis), run once it has committed and before the effects. Never inside: a Redis call in
 * a transaction would hold its row locks for as long as Redis takes to answer (issue 9). Each
 * action handles its own failure.
 */
export function afterCommit(tx: DbOrTx, action: () => Promise<void>) {
  pendingOf(tx).afterCommit.push(action);
}

/** db.transaction, then its after-commit actions and the effects of every change it committed. */
export async function lifecycleTransaction<T>(db: Db, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  let p: Pending = { changes: [], afterCommit: [] };
  const result = await db.transaction(async (tx) => {
    p = { changes: [], afterCommit: [] };
    pending.set(tx, p);
    return fn(tx);
  });
  await Promise.all(p.afterCommit.map((action) => action()));
  if (p.changes.length) await runEffects(db, p.changes);
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
