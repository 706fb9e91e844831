import type { Decision, Direction, ScanSource, ServerDecision } from "./contract.js";

// The wire types live in contract.ts (shared with the server and the kiosk page).
export type * from "./contract.js";

/** The server's answer as the kiosk shows it. */
export function decisionFromServer(
  answer: ServerDecision,
  context: { direction: Direction; eventId: string; source: ScanSource },
): Decision {
  return {
    action: answer.action,
    reason: answer.reason ?? null,
    message: answer.message,
    spot_label: answer.spot_label ?? null,
    level: answer.level == null ? null : String(answer.level),
    direction: context.direction,
    offline: false,
    at: new Date().toISOString(),
    // A repeat read inside the server's duplicate window comes back with the first read's id.
    event_id: answer.event_id ?? context.eventId,
    source: context.source,
    reservation_id: answer.reservation_id ?? null,
    pending_charges: answer.pending_charges ?? null,
    currency: answer.currency ?? null,
  };
}
