// What the gate bridge (gate-kiosk/src/decision.ts) sends over its /events stream. The bridge is its
// own package and the app does not import it, so the shapes are repeated here.

export type GateAction = "open_barrier" | "deny" | "ask_for_qr";
export type Direction = "entry" | "exit";

export type BridgeDecision = {
  action: GateAction;
  reason: string | null;
  message: string;
  spot_label: string | null;
  level: string | null;
  direction: Direction;
  offline: boolean;
  at: string;
  event_id: string;
  source?: string;
  pending_charges?: number | null;
  currency?: string | null;
};

export type BridgeStatus = {
  server: "online" | "offline";
  payments: "up" | "down";
  queue: number;
  direction?: Direction;
  lot_id?: string;
  gate_id?: string;
};
