import { ACTIVE_STATUSES } from "@/db/queries/reservations";
import type { ReservationStatus } from "@/db/schema";

/**
 * The reservation lifecycle. Every edge has one transition function (lib/lifecycle/transitions.ts);
 * anything not listed here is refused.
 *
 *   pending_payment → confirmed (paid) | expired (not paid in time) | cancelled
 *   confirmed       → checked_in (gate entry) | cancelled | no_show (not entered by start + grace)
 *   checked_in      → completed (gate exit)
 *                   | confirmed (the barrier did not open after all: the gate's report undoes the check-in)
 */
export const TRANSITIONS: Record<ReservationStatus, readonly ReservationStatus[]> = {
  pending_payment: ["confirmed", "expired", "cancelled"],
  confirmed: ["checked_in", "cancelled", "no_show"],
  checked_in: ["completed", "confirmed"],
  completed: [],
  cancelled: [],
  no_show: [],
  expired: [],
};

/** Statuses that hold a spot (the EXCLUDE constraint's WHERE clause lists the same). */
export const HOLDS_SPOT: readonly ReservationStatus[] = ACTIVE_STATUSES;

export const canTransition = (from: ReservationStatus, to: ReservationStatus) => TRANSITIONS[from].includes(to);

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: ReservationStatus,
    readonly to: ReservationStatus,
  ) {
    super(`A reservation that is ${from.replace("_", " ")} cannot become ${to.replace("_", " ")}`);
  }
}

export type Cause = "driver" | "operator" | "payment" | "webhook" | "gate" | "scheduler" | "inngest";
