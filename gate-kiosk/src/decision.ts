/** The shapes that travel between the server, the bridge and the kiosk screen. */
export type Direction = "entry" | "exit";
export type GateAction = "open_barrier" | "deny" | "ask_for_qr";
export type ScanSource = "stdin" | "evdev" | "serial" | "lpr" | "manual";

/** The body of POST /v1/gates/check-in and /check-out, as sent live and as replayed. */
export interface GateRequestBody {
  lot_id: string;
  gate_id: string;
  identifier: string;
  confidence?: number;
  event_id: string;
  occurred_at: string;
  offline_decision?: "open_barrier" | "deny";
}

/** The server's answer (check-in and check-out share it; check-out never denies). */
export interface ServerDecision {
  action: GateAction;
  reservation_id?: string;
  spot_id?: string;
  spot_label?: string;
  level?: string | number;
  reason?: string;
  message: string;
  event_id?: string;
  pending_charges?: number;
  currency?: string;
}

/** What the kiosk screen receives as an SSE `decision` event. */
export interface Decision {
  action: GateAction;
  reason: string | null;
  message: string;
  spot_label: string | null;
  level: string | null;
  direction: Direction;
  offline: boolean;
  at: string;
  event_id: string;
  source: ScanSource | "operator";
  reservation_id: string | null;
  pending_charges: number | null;
  currency: string | null;
}

export interface BridgeStatus {
  server: "online" | "offline";
  payments: "up" | "down";
  queue: number;
  direction: Direction;
  lot_id: string;
  gate_id: string;
  /** Until when the signed offline cache vouches for its plates; null when there is none. */
  cache_valid_until: string | null;
}

/** The server's answer as the kiosk shows it. */
export function decisionFromServer(answer: ServerDecision, context: { direction: Direction; eventId: string; source: ScanSource }): Decision {
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
