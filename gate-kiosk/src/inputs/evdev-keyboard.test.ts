import { execFileSync } from "node:child_process";
import { open } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../log.js";
import { tempDir } from "../../test/support/harness.js";
import { EvdevKeyboard, InputEventParser, KeyDecoder, inputEventSize } from "./evdev-keyboard.js";
import { EV_KEY, KEY_ENTER, KEY_LEFTSHIFT, KEYMAP } from "./evdev-keymap.js";

const EV_SYN = 0;
const EV_MSC = 4;

/** struct input_event records as the kernel writes them, with the SYN/MSC noise a real keyboard adds. */
function record(size: number, type: number, code: number, value: number): Buffer {
  const buf = Buffer.alloc(size);
  const sec = 1_767_000_000;
  if (size === 24) buf.writeBigInt64LE(BigInt(sec), 0);
  else buf.writeInt32LE(sec, 0);
  buf.writeUInt16LE(type, size - 8);
  buf.writeUInt16LE(code, size - 6);
  buf.writeInt32LE(value, size - 4);
  return buf;
}

const codeFor = (char: string): [number, boolean] => {
  for (const [code, [plain, shifted]] of KEYMAP) {
    if (plain === char) return [code, false];
    if (shifted === char) return [code, true];
  }
  throw new Error(`no key for ${char}`);
};

/** What a keyboard-wedge scanner sends for `text` followed by Enter. */
function typed(text: string, size: number): Buffer {
  const out: Buffer[] = [];
  const key = (code: number, value: number) => {
    out.push(record(size, EV_MSC, 4, 0x70000 + code), record(size, EV_KEY, code, value), record(size, EV_SYN, 0, 0));
  };
  for (const char of text) {
    const [code, shift] = codeFor(char);
    if (shift) key(KEY_LEFTSHIFT, 1);
    key(code, 1);
    key(code, 0);
    if (shift) key(KEY_LEFTSHIFT, 0);
  }
  key(KEY_ENTER, 1);
  key(KEY_ENTER, 0);
  return Buffer.concat(out);
}

describe("evdev keyboard-wedge scanner", () => {
  it("decodes a QR token with upper and lower case, underscores and dots, however the reads split the records", () => {
    const token = "eyJhbGciOiJFZERTQSJ9.eyJyaWQiOiJhYi0xMiJ9.Zm9v_YmFy-9";
    for (const size of [24, 16]) {
      const lines: string[] = [];
      const decoder = new KeyDecoder((l) => lines.push(l));
      const parser = new InputEventParser((code, value) => decoder.key(code, value), size);
      const bytes = Buffer.concat([typed(token, size), typed("AB-12 CDE", size)]);
      for (let i = 0; i < bytes.length; i += 7) parser.push(bytes.subarray(i, i + 7));
      expect(lines).toEqual([token, "AB-12 CDE"]);
    }
  });

  it("honours Caps Lock for letters only and ignores autorepeat", () => {
    const lines: string[] = [];
    const decoder = new KeyDecoder((l) => lines.push(l));
    const [a] = codeFor("a");
    const [one] = codeFor("1");
    decoder.key(58, 1); // Caps Lock on
    decoder.key(a, 1);
    decoder.key(a, 2);
    decoder.key(one, 1);
    decoder.key(KEY_ENTER, 1);
    expect(lines).toEqual(["A1"]);
  });

  it("uses 24-byte events on 64-bit kernels and 16-byte ones on 32-bit ARM", () => {
    expect(inputEventSize("x64")).toBe(24);
    expect(inputEventSize("arm64")).toBe(24);
    expect(inputEventSize("arm")).toBe(16);
  });

  it("reads scans from a device node that blocks between events (a FIFO standing in for /dev/input/eventN)", async () => {
    const fifo = path.join(await tempDir(), "event7");
    execFileSync("mkfifo", [fifo]);
    const keyboard = new EvdevKeyboard(fifo, silentLogger);
    const scans: string[] = [];
    const got = new Promise<void>((resolve) => {
      keyboard.start((text, source) => {
        scans.push(`${source}:${text}`);
        if (scans.length === 2) resolve();
      });
    });
    const writer = await open(fifo, "w");
    await writer.write(typed("ab12cde", inputEventSize()));
    await writer.write(typed("XY-9", inputEventSize()));
    await got;
    await keyboard.stop();
    await writer.close();
    expect(scans).toEqual(["evdev:ab12cde", "evdev:XY-9"]);
  });
});
