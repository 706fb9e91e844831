import type { ScanSource } from "../decision.js";

/** A scanner: calls `onScan` with each complete line it reads, until stopped. */
export interface ScanInput {
  readonly name: string;
  start(onScan: (text: string, source: ScanSource) => void): void;
  stop(): Promise<void>;
}

/** How long to wait before reopening a device that went away (a USB scanner replugged). */
export const REOPEN_DELAY_MS = 2_000;
