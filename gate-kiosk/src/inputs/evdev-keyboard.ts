import { createReadStream, type ReadStream } from "node:fs";
import os from "node:os";
import { errorText, type Logger } from "../log.js";
import {
  EV_KEY,
  KEY_CAPSLOCK,
  KEY_ENTER,
  KEY_KPENTER,
  KEY_LEFTSHIFT,
  KEY_PRESSED,
  KEY_RELEASED,
  KEY_RIGHTSHIFT,
  KEY_TAB,
  KEYMAP,
} from "./evdev-keymap.js";
import { REOPEN_DELAY_MS, type ScanInput } from "./scan-input.js";

/**
 * struct input_event is { struct timeval time; __u16 type; __u16 code; __s32 value; }: 24 bytes where
 * the kernel's long is 64-bit, 16 bytes on 32-bit ARM/x86 (a Raspberry Pi OS 32-bit gate PC).
 */
export function inputEventSize(arch: string = process.arch): number {
  return arch === "arm" || arch === "ia32" ? 16 : 24;
}

/** Turns key events into typed lines: Enter (or Tab, a common scanner suffix) ends a scan. */
export class KeyDecoder {
  private shift = 0;
  private caps = false;
  private buffer = "";

  constructor(private readonly onLine: (line: string) => void) {}

  key(code: number, value: number): void {
    if (code === KEY_LEFTSHIFT || code === KEY_RIGHTSHIFT) {
      if (value === KEY_PRESSED) this.shift++;
      else if (value === KEY_RELEASED) this.shift = Math.max(0, this.shift - 1);
      return;
    }
    // Scanners type each key once; autorepeat (value 2) would only duplicate characters.
    if (value !== KEY_PRESSED) return;
    if (code === KEY_CAPSLOCK) {
      this.caps = !this.caps;
      return;
    }
    if (code === KEY_ENTER || code === KEY_KPENTER || code === KEY_TAB) {
      const line = this.buffer.trim();
      this.buffer = "";
      if (line) this.onLine(line);
      return;
    }
    const keys = KEYMAP.get(code);
    if (!keys) return;
    const [plain, shifted] = keys;
    const isLetter = /[a-z]/.test(plain);
    const upper = this.shift > 0 !== (isLetter && this.caps);
    this.buffer += upper ? shifted : plain;
  }
}

/** Splits a byte stream into input_event records (reads can end mid-record) and feeds key events on. */
export class InputEventParser {
  private pending = Buffer.alloc(0);
  private readonly little = os.endianness() === "LE";

  constructor(
    private readonly onKey: (code: number, value: number) => void,
    private readonly recordSize: number = inputEventSize(),
  ) {}

  push(chunk: Buffer): void {
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const size = this.recordSize;
    let offset = 0;
    for (; offset + size <= data.length; offset += size) {
      const at = offset + size - 8;
      const type = this.little ? data.readUInt16LE(at) : data.readUInt16BE(at);
      if (type !== EV_KEY) continue;
      const code = this.little ? data.readUInt16LE(at + 2) : data.readUInt16BE(at + 2);
      const value = this.little ? data.readInt32LE(at + 4) : data.readInt32BE(at + 4);
      this.onKey(code, value);
    }
    data = data.subarray(offset);
    this.pending = Buffer.from(data);
  }
}

/**
 * A keyboard-wedge scanner read straight from its /dev/input/event* node, so the bridge gets scans
 * without a terminal or a focused window. Pure Node: the device file is read like any file. Without
 * the EVIOCGRAB ioctl (which Node cannot issue) the desktop also sees the keystrokes; the README's
 * udev rule hides the scanner from the desktop instead. The reader reopens the device after it
 * disappears, so an unplugged and replugged scanner keeps working.
 */
export class EvdevKeyboard implements ScanInput {
  readonly name: string;
  private stream: ReadStream | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly devicePath: string,
    private readonly log: Logger,
    private readonly recordSize: number = inputEventSize(),
  ) {
    this.name = `evdev:${devicePath}`;
  }

  start(onScan: (text: string, source: "evdev") => void): void {
    this.stopped = false;
    const decoder = new KeyDecoder((line) => onScan(line, "evdev"));
    const parser = new InputEventParser((code, value) => decoder.key(code, value), this.recordSize);
    const stream = createReadStream(this.devicePath, { highWaterMark: this.recordSize * 64 });
    this.stream = stream;
    stream.on("open", () => this.log.info("scanner opened", { input: this.name }));
    stream.on("data", (chunk) => parser.push(chunk as Buffer));
    const reopen = (why: string) => {
      if (this.stopped || this.stream !== stream) return;
      this.stream = null;
      this.log.warn("scanner lost; reopening", { input: this.name, why });
      this.retry = setTimeout(() => this.start(onScan), REOPEN_DELAY_MS);
    };
    stream.on("error", (err) => reopen(errorText(err)));
    stream.on("end", () => reopen("end of device stream"));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const stream = this.stream;
    this.stream = null;
    stream?.destroy();
  }
}
