/**
 * The gate contract: what travels between the Spotkeeper server, this bridge and the kiosk screen.
 * One module for all three (the app imports it as `@spotkeeper/gate-kiosk/contract`), so a reason
 * code or a field cannot drift apart in three copies. No imports: it is compiled by tsc for the
 * bridge and by Next.js for the app and the kiosk page alike.
 */
export type Direction = "entry" | "exit";
export type GateAction = "open_barrier" | "deny" | "ask_for_qr";
export type ScanSource = "stdin" | "evdev" | "serial" | "lpr" | "manual";

/**
 * Why a gate answered as it did: stable codes, never prose. The first group is the server's verdict;
 * the second is what only the bridge can say (it decided alone, or something at the barrier failed).
 */
export const SERVER_REASONS = [
  "no_reservation",
  "too_early",
  "expired",
  "wrong_lot",
  "already_inside",
  "cancelled",
  "not_paid",
  "completed",
  "low_confidence",
  "unreadable",
  "invalid_pass",
  "reentry",
] as const;
export const BRIDGE_REASONS = [
  "offline_exit",
  "offline_pass",
  "offline_plate",
  "pass_expired",
  "pass_unverifiable",
  "plates_unverifiable",
  "offline_no_cache",
  "operator",
  "misconfigured",
  "relay_failed",
] as const;
export const GATE_REASONS = [...SERVER_REASONS, ...BRIDGE_REASONS] as const;
export type ServerReason = (typeof SERVER_REASONS)[number];
export type GateReason = (typeof GATE_REASONS)[number];

/** What the barrier actually did for a read: the truth the server's records follow. */
export const BARRIER_OUTCOMES = ["opened", "denied", "relay_failed"] as const;
export type BarrierOutcome = (typeof BARRIER_OUTCOMES)[number];

/** The body of POST /v1/gates/check-in and /check-out, as sent live and as replayed. */
export interface GateRequestBody {
  lot_id: string;
  gate_id: string;
  identifier: string;
  confidence?: number;
  event_id: string;
  occurred_at: string;
  /** Present on a replay: what the bridge decided on its own. */
  offline_decision?: GateAction;
  /** Present on a replay: what the barrier did (an "open" the relay failed to execute is `relay_failed`). */
  barrier?: BarrierOutcome;
  /**
   * On a replay, with `sent_at`: when the bridge received and decided the read, on its own clock.
   * The two let the server measure the bridge's clock against its own (arrival − sent_at) and
   * place `occurred_at` on its clock, however wrong the gate PC's clock is.
   */
  received_at?: string;
  /** On a replay: when the bridge sent this request, on its own clock (set at each sending). */
  sent_at?: string;
}

/** POST /v1/gates/reports: what the barrier did for a read the server answered live. */
export interface BarrierReport {
  event_id: string;
  barrier: BarrierOutcome;
  /** The action the bridge carried out (the server's, or its own when the answer came too late). */
  action: GateAction;
  occurred_at: string;
  /** The read, so the server decides the car's next read afresh rather than repeating its answer. */
  identifier?: string;
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
  offline?: boolean;
  /** Set when the barrier's report contradicted the server's first answer (operators see it). */
  flag?: string;
}

/** GET /v1/gates/self: the gate's record as the server knows it, for the bridge's pairing check. */
export interface GateSelf {
  gate_id: string;
  lot_id: string;
  name: string;
  direction: Direction;
  server_time: string;
}

/** What the bridge says about itself on every GET /v1/gates/self (as query parameters). */
export interface GateHealthReport {
  version: string;
  queue: number;
  /** Age of the signed offline cache in seconds; absent when there is none. */
  cache_age_s?: number;
  relay: RelayState;
}

export type RelayState = "ok" | "failed";
export type ServerLink = "online" | "offline" | "misconfigured";

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
  /** What the barrier did: absent for a refusal, `relay_failed` when an opening did not happen. */
  barrier?: BarrierOutcome;
}

/** The SSE `status` event and GET /status. */
export interface BridgeStatus {
  /** `misconfigured`: the server refuses this gate's pairing (secret, gate, lot or direction); never "offline". */
  server: ServerLink;
  payments: "up" | "down";
  queue: number;
  direction: Direction;
  lot_id: string;
  gate_id: string;
  /** Until when the signed offline cache vouches for its plates; null when there is none. */
  cache_valid_until: string | null;
  relay: RelayState;
  /** Why the pairing check failed, for the technician on site. */
  problem: string | null;
}

/** Sentences for the kiosk screen that the bridge and the server both use. */
export const GATE_MESSAGES = {
  callAttendant: "Please call the attendant.",
  relayFailed: "The barrier did not open. Please call the attendant.",
  misconfigured: "This gate is out of service. Please call the attendant.",
  unknownOffline: "We cannot check this plate right now. Please scan your QR pass or call the attendant.",
  offlineExit: "Goodbye! Any charges will be settled later.",
  operatorOpen: "Opened by the attendant.",
} as const;
