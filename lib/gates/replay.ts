import type { BarrierOutcome } from "./contract";
import type { Db } from "@/db/client";
import { gateOutageStart, markGateEvent } from "@/db/queries/gate-health";
import { findGateEvent } from "@/db/queries/gates";
import { lock } from "@/db/queries/locks";
import { findReservation } from "@/db/queries/reservations";
import { entryAnswer, exitAnswer, type CheckInAnswer, type CheckOutAnswer, type GateRead } from "./answers";
import { entryVerdict, entryWindow, exitCharges, exitPass } from "./decide";
import { readAnswer } from "./dedupe";
import type { GateContext } from "./gate-auth";
import type { GatePass } from "./gate-pass";
import { identify } from "./identify";
import { passesFromDb } from "./lookup";
import { OFFLINE_CACHE_HOURS } from "./offline-cache";
import { recordEntry, recordExit } from "./record";
import { applyBarrierReport } from "./reports";
import { gateKeys } from "./store";
import { LOCKS } from "@/db/locks";

/**
 * Offline replays: the bridge decided on its own while it could not reach us and now reports the
 * read with its event id, the time, what it decided and what the barrier did. Each is recorded
 * exactly once (the event id is unique; a second replay gets the first answer) and applied as of
 * `occurred_at`, bounded (see replayTime). They are not on a car's critical path, so they go to
 * PostgreSQL directly and are answered once recorded.
 */

/** How far ahead of our clock a gate PC's clock may run before its replay's time is corrected. */
export const REPLAY_CLOCK_SKEW_MS = 30_000;

/**
 * Replays of one event id run one at a time (the bridge may resend while the first is still
 * being applied): the second then finds the first's answer instead of racing it through
 * checkOut and recording "already completed". The lock is held on a connection of its own while
 * the work runs on others, and nothing inside takes it, so it cannot deadlock.
 */
function oneAtATime<A>(db: Db, eventId: string, fn: () => Promise<A>): Promise<A> {
  return db.transaction(async (tx) => {
    await lock(tx, LOCKS.gateReplay, eventId);
    return fn();
  });
}

async function priorAnswer<A>(db: Db, eventId: string): Promise<A | null> {
  const row = await findGateEvent(db, eventId);
  if (row?.response) return row.response as unknown as A;
  // Answered online a moment ago (the bridge gave up waiting) and still being recorded.
  return readAnswer<A>(gateKeys.event(eventId));
}

const barrierOf = (input: GateRead): BarrierOutcome =>
  input.barrier ?? (input.offline_decision === "open_barrier" ? "opened" : "denied");

/**
 * A replay of a read we had answered live: the bridge gave up waiting and did something else. The
 * barrier's action is the truth, so the record and the reservation follow the bridge (reports.ts).
 */
async function afterLiveAnswer<A extends { event_id: string; offline?: boolean }>(
  db: Db,
  ctx: GateContext,
  input: GateRead,
  prior: A,
): Promise<A> {
  // A replay already applied, or a duplicate read answered with another read's event: nothing to correct.
  if (prior.offline || prior.event_id !== input.event_id) return prior;
  return (await applyBarrierReport(db, ctx, {
    event_id: input.event_id,
    barrier: barrierOf(input),
    action: input.offline_decision!,
    identifier: input.identifier,
  })) as unknown as A;
}

/**
 * The bridge's clock as a replay shows it: `sent_at` (its clock when it sent the request) against
 * our clock at arrival gives its offset — exact but for the request's transit, which makes the
 * corrected times err late (a smaller early-departure refund, never a larger one) — and
 * `received_at` (its clock when it took the read) is a latest possible time for `occurred_at`.
 */
export type BridgeClock = { receivedAt: Date | null; sentAt: Date | null };

const bridgeClockOf = (input: GateRead): BridgeClock => ({
  receivedAt: input.received_at ? new Date(input.received_at) : null,
  sentAt: input.sent_at ? new Date(input.sent_at) : null,
});

/** The claim moved onto our clock (not after the bridge received the read), and the offset used. */
function onOurClock(claimed: Date, bridge: BridgeClock | undefined, now: number) {
  const offset = bridge?.sentAt ? now - bridge.sentAt.getTime() : 0;
  return { t: Math.min(claimed.getTime(), bridge?.receivedAt?.getTime() ?? Infinity) + offset, offset };
}

/**
 * The time a replay is applied at. The bridge's claim is first moved onto our clock by the offset
 * its replay shows (bridgeClock; a gate PC whose clock is hours off still gets its reads placed
 * right), and not after it received the read. Then it is believed only within what it can prove:
 * not after our clock (plus skew; a later claim is corrected to now, so an overstay is never more
 * than a live read at the replay's arrival would charge), not before the gate's last contact ahead
 * of its latest silence (it was online then), not before the offline cache it decided from could
 * have been fetched (OFFLINE_CACHE_HOURS), and not before the reservation's entry window opened (or,
 * for an exit, the car entered) — so an early-departure refund cannot be inflated by a wrong clock,
 * nor by a wrong sent_at. A bridge clock off by more than the skew is flagged, corrected or not.
 */
export function replayTime(
  claimed: Date,
  bounds: { now: Date; outageStartedAt: Date | null; notBefore: Date | null; bridgeClock?: BridgeClock },
) {
  const now = bounds.now.getTime();
  const { t, offset } = onOurClock(claimed, bounds.bridgeClock, now);
  const lower = Math.max(
    now - OFFLINE_CACHE_HOURS * 3600_000,
    bounds.outageStartedAt?.getTime() ?? -Infinity,
    bounds.notBefore?.getTime() ?? -Infinity,
  );
  const at = Math.min(Math.max(t, Math.min(lower, now)), now);
  // Within the skew the clocks merely differ; beyond it, or before what is provable, operators see it.
  const adjusted = Math.abs(offset) > REPLAY_CLOCK_SKEW_MS || t > now + REPLAY_CLOCK_SKEW_MS || t < lower;
  return { at: new Date(at), adjusted };
}

/** The replay's claimed time moved onto our clock, before any bound (for finding its reservation). */
function claimedTime(input: GateRead, now: Date) {
  return new Date(onOurClock(new Date(input.occurred_at!), bridgeClockOf(input), now.getTime()).t);
}

async function bounded(db: Db, ctx: GateContext, input: GateRead, now: Date, notBefore: Date | null) {
  return replayTime(new Date(input.occurred_at!), {
    now,
    outageStartedAt: await gateOutageStart(db, ctx.gate.id),
    notBefore,
    bridgeClock: bridgeClockOf(input),
  });
}

export function replayEntry(db: Db, ctx: GateContext, input: GateRead): Promise<CheckInAnswer> {
  return oneAtATime(db, input.event_id!, () => applyEntry(db, ctx, input));
}

export function replayExit(db: Db, ctx: GateContext, input: GateRead): Promise<CheckOutAnswer> {
  return oneAtATime(db, input.event_id!, () => applyExit(db, ctx, input));
}

async function flagIfAdjusted(db: Db, eventId: string, adjusted: boolean, barrier: BarrierOutcome) {
  await markGateEvent(db, eventId, {
    barrier,
    flag: barrier === "relay_failed" ? "relay_failed" : adjusted ? "clock_adjusted" : null,
  });
}

async function applyEntry(db: Db, ctx: GateContext, input: GateRead): Promise<CheckInAnswer> {
  const eventId = input.event_id!;
  const prior = await priorAnswer<CheckInAnswer>(db, eventId);
  if (prior) return afterLiveAnswer(db, ctx, input, prior);
  const now = new Date();
  const claimed = claimedTime(input, now);
  const identity = await identify(input.identifier);
  const named = identity.kind === "bad" ? null : identity;
  // The bridge already acted on its signed cache; the read's confidence no longer matters.
  const found = named ? await passesFromDb(db, ctx.lot, named, claimed) : null;
  const verdict = entryVerdict(ctx, identity, false, found, claimed);
  const barrier = barrierOf(input);
  const opened = input.offline_decision === "open_barrier" && barrier === "opened";
  // The reservation the car came in on, even one we would have refused (too early, expired): it is inside now.
  const pass: GatePass | null = opened && verdict.action !== "ask_for_qr" ? (verdict.pass ?? null) : null;
  const { at, adjusted } = await bounded(db, ctx, input, now, pass ? entryWindow(pass, ctx.lot).from : null);
  const answer: CheckInAnswer = {
    ...entryAnswer(verdict, ctx.lot, eventId),
    action: input.offline_decision!,
    message: opened
      ? "Recorded: the barrier opened while offline."
      : barrier === "relay_failed"
        ? "Recorded: the barrier failed to open while offline."
        : "Recorded: entry was refused while offline.",
    offline: true,
  };
  const recorded = await recordEntry(db, {
    ctx,
    identity,
    pass,
    answer,
    occurredAt: at,
    latencyMs: null,
    offline: true,
  });
  await flagIfAdjusted(db, eventId, adjusted, barrier);
  return recorded;
}

async function applyExit(db: Db, ctx: GateContext, input: GateRead): Promise<CheckOutAnswer> {
  const eventId = input.event_id!;
  const prior = await priorAnswer<CheckOutAnswer>(db, eventId);
  if (prior) return afterLiveAnswer(db, ctx, input, prior);
  const now = new Date();
  const claimed = claimedTime(input, now);
  const identity = await identify(input.identifier);
  const named =
    identity.kind === "bad" || (identity.kind === "qr" && identity.claims.lot !== ctx.lot.id) ? null : identity;
  const found = named
    ? await passesFromDb(db, ctx.lot, named, claimed)
    : { passes: [], refusal: identity.kind === "bad" ? ("unreadable" as const) : ("wrong_lot" as const) };
  const candidate = exitPass(found.passes, claimed);
  // A car cannot leave before it came in: the check-in, else the entry window's opening.
  const entered = candidate
    ? ((await findReservation(db, candidate.reservation_id))?.checkedInAt ?? entryWindow(candidate, ctx.lot).from)
    : null;
  const { at, adjusted } = await bounded(db, ctx, input, now, entered);
  // The relay failed: the car is still inside, so nothing is checked out (operators see the flag).
  const left = barrierOf(input) === "opened";
  const pass = !left ? null : candidate && exitPass([candidate], at) ? candidate : exitPass(found.passes, at);
  const pending = pass ? exitCharges(pass, ctx.lot, at) : 0;
  const answer: CheckOutAnswer = {
    ...exitAnswer(pass, pending, ctx.lot, pass ? undefined : (found.refusal ?? "no_reservation"), eventId),
    message: left ? "Recorded: the car left while offline." : "Recorded: the barrier failed to open while offline.",
    offline: true,
  };
  const recorded = await recordExit(db, {
    ctx,
    identity,
    pass,
    answer,
    occurredAt: at,
    latencyMs: null,
    offline: true,
  });
  await flagIfAdjusted(db, eventId, adjusted, barrierOf(input));
  return recorded;
}
