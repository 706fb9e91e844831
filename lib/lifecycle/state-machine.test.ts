import { describe, expect, it } from "vitest";
import type { ReservationStatus } from "@/db/schema";
import { canTransition, HOLDS_SPOT, IllegalTransitionError, TRANSITIONS } from "./state-machine";

const ALL: ReservationStatus[] = [
  "pending_payment",
  "confirmed",
  "checked_in",
  "completed",
  "cancelled",
  "no_show",
  "expired",
];

// The lifecycle as the product describes it; every other pair must be refused.
const EDGES = [
  "pending_payment→confirmed",
  "pending_payment→expired",
  "pending_payment→cancelled",
  "confirmed→checked_in",
  "confirmed→cancelled",
  "confirmed→no_show",
  "checked_in→completed",
  // issue 11: the barrier's own report of not opening undoes a gate check-in.
  "checked_in→confirmed",
];

describe("the reservation state machine", () => {
  it("allows exactly the lifecycle's edges and refuses every other pair of statuses", () => {
    const allowed = ALL.flatMap((from) => ALL.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual([...EDGES].sort());
  });

  it("has an entry for every status", () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ALL].sort());
  });

  it.each(["completed", "cancelled", "no_show", "expired"] as const)("treats %s as final", (status) => {
    expect(TRANSITIONS[status]).toEqual([]);
  });

  it("never allows a status to move to itself (a repeat is a no-op, not an edge)", () => {
    for (const s of ALL) expect(canTransition(s, s)).toBe(false);
  });

  it("counts only unpaid holds, paid bookings and parked cars as holding a spot", () => {
    expect([...HOLDS_SPOT].sort()).toEqual(["checked_in", "confirmed", "pending_payment"]);
  });

  it("words an illegal transition for people", () => {
    const err = new IllegalTransitionError("checked_in", "cancelled");
    expect(err.message).toBe("A reservation that is checked in cannot become cancelled");
    expect({ from: err.from, to: err.to }).toEqual({ from: "checked_in", to: "cancelled" });
  });
});
