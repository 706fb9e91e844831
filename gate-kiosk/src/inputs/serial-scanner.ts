import { ReadlineParser } from "@serialport/parser-readline";
import type { SerialPortStream } from "@serialport/stream";
import { Transform } from "node:stream";
import { errorText, type Logger } from "../log.js";
import { openSerialPort, type BindingLoader } from "../serial/serial-port.js";
import { REOPEN_DELAY_MS, type ScanInput } from "./scan-input.js";

/**
 * A scanner in serial mode (RS-232, or USB CDC-ACM showing up as /dev/ttyACM0). Scanners end each
 * read with CR by default, some with CRLF or LF: LF is turned into CR before the line parser, so all
 * three end a line (CRLF then yields an empty line, which is dropped).
 */
export class SerialScanner implements ScanInput {
  readonly name: string;
  private port: SerialPortStream | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: { path: string; baudRate: number; log: Logger; loadBinding?: BindingLoader }) {
    this.name = `serial:${options.path}`;
  }

  start(onScan: (text: string, source: "serial") => void): void {
    this.stopped = false;
    void this.connect(onScan);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async connect(onScan: (text: string, source: "serial") => void) {
    const { log } = this.options;
    let port: SerialPortStream;
    try {
      port = await openSerialPort(this.options);
    } catch (err) {
      log.warn("scanner not available; retrying", { input: this.name, error: errorText(err) });
      this.scheduleReconnect(onScan);
      return;
    }
    if (this.stopped) {
      port.close();
      return;
    }
    this.port = port;
    log.info("scanner opened", { input: this.name });
    const lfToCr = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        done(
          null,
          chunk.map((b) => (b === 0x0a ? 0x0d : b)),
        );
      },
    });
    const lines = port.pipe(lfToCr).pipe(new ReadlineParser({ delimiter: "\r", encoding: "utf8" }));
    lines.on("data", (line: string) => {
      const text = line.trim();
      if (text) onScan(text, "serial");
    });
    const lost = (why: string) => {
      if (this.port !== port) return;
      this.port = null;
      log.warn("scanner lost; reopening", { input: this.name, why });
      this.scheduleReconnect(onScan);
    };
    port.on("error", (err) => lost(errorText(err)));
    port.on("close", () => lost("port closed"));
  }

  private scheduleReconnect(onScan: (text: string, source: "serial") => void) {
    if (this.stopped) return;
    this.retry = setTimeout(() => void this.connect(onScan), REOPEN_DELAY_MS);
  }
}
