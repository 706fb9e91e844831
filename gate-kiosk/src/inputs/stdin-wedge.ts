import { createInterface, type Interface } from "node:readline";
import type { Readable } from "node:stream";
import type { ScanInput } from "./scan-input.js";

/**
 * A keyboard-wedge scanner typing into the bridge's terminal (or anything piped to it): one scan per
 * line. On a gate PC the bridge runs without a terminal, so the evdev input is the usual choice there.
 */
export class StdinWedge implements ScanInput {
  readonly name = "stdin";
  private rl: Interface | null = null;

  constructor(private readonly stream: Readable = process.stdin) {}

  start(onScan: (text: string, source: "stdin") => void): void {
    this.rl = createInterface({ input: this.stream, crlfDelay: Infinity });
    this.rl.on("line", (line) => {
      const text = line.trim();
      if (text) onScan(text, "stdin");
    });
  }

  async stop(): Promise<void> {
    this.rl?.close();
    this.rl = null;
  }
}
