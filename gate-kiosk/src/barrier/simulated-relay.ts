import { EventEmitter } from "node:events";
import type { Logger } from "../log.js";
import type { Barrier, BarrierState } from "./barrier.js";

/**
 * The default output: no hardware, the relay's state in memory and in the log. It is what a bridge
 * without a relay (a demo, a test bench, a kiosk that only shows decisions) runs with.
 */
export class SimulatedRelay extends EventEmitter<{ state: [BarrierState] }> implements Barrier {
  state: BarrierState = "closed";
  /** Every opening, oldest first. */
  readonly openings: { at: string; reason: string }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: { pulseMs: number; log: Logger }) {
    super();
  }

  async open(reason: string): Promise<void> {
    this.openings.push({ at: new Date().toISOString(), reason });
    this.options.log.info("relay: barrier open (simulated)", { reason, pulse_ms: this.options.pulseMs });
    this.set("open");
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.set("closed");
    }, this.options.pulseMs);
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.set("closed");
  }

  private set(state: BarrierState) {
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state);
  }
}
