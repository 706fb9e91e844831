import { EventEmitter } from "node:events";

export type BarrierState = "closed" | "open";

/**
 * What the bridge needs from a barrier: open it for one car. The relay closes again by itself after
 * the pulse (barrier controllers take a pulse on their "open" input and close on their own loop
 * detector), so "open" is the only command. Outputs emit `state` with every change.
 */
export interface Barrier extends EventEmitter<{ state: [BarrierState] }> {
  readonly state: BarrierState;
  open(reason: string): Promise<void>;
  close(): Promise<void>;
}
