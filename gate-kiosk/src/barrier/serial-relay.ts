import { EventEmitter } from "node:events";
import type { SerialPortStream } from "@serialport/stream";
import { errorText, type Logger } from "../log.js";
import { openSerialPort, type BindingLoader } from "../serial/serial-port.js";
import type { Barrier, BarrierState } from "./barrier.js";

export interface SerialRelayOptions {
  path: string;
  baudRate: number;
  /** Bytes that close the relay contact (e.g. A0 01 01 A2 on LCUS-type USB relay boards). */
  openCommand: Buffer;
  /** Bytes that release it again after the pulse; empty for boards that pulse by themselves. */
  closeCommand: Buffer;
  pulseMs: number;
  log: Logger;
  loadBinding?: BindingLoader;
}

/**
 * A USB/serial relay wired to the barrier controller's "open" input. The port is opened on first use
 * and again after any error, so a relay unplugged and replugged works on the next car without a restart.
 */
export class SerialRelay extends EventEmitter<{ state: [BarrierState] }> implements Barrier {
  state: BarrierState = "closed";
  private port: SerialPortStream | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: SerialRelayOptions) {
    super();
  }

  async open(reason: string): Promise<void> {
    await this.write(this.options.openCommand);
    this.options.log.info("relay: barrier open", { reason, port: this.options.path, pulse_ms: this.options.pulseMs });
    this.set("open");
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.release().catch((err) => this.options.log.error("relay: release failed", { error: errorText(err) }));
    }, this.options.pulseMs);
  }

  async close(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      await this.release().catch(() => {});
    }
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async release() {
    if (this.options.closeCommand.length > 0) await this.write(this.options.closeCommand);
    this.set("closed");
  }

  private async write(bytes: Buffer) {
    const port = await this.connect();
    try {
      await new Promise<void>((resolve, reject) => {
        port.write(bytes, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
      });
    } catch (err) {
      this.port = null;
      port.destroy();
      throw err;
    }
  }

  private async connect(): Promise<SerialPortStream> {
    if (this.port?.isOpen) return this.port;
    const port = await openSerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate,
      loadBinding: this.options.loadBinding,
    });
    port.on("error", (err) => {
      this.options.log.error("relay: serial port error", { port: this.options.path, error: errorText(err) });
      if (this.port === port) this.port = null;
    });
    port.on("close", () => {
      if (this.port === port) this.port = null;
    });
    this.port = port;
    return port;
  }

  private set(state: BarrierState) {
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state);
  }
}
