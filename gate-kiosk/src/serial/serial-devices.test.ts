import { MockBinding, type MockPortBinding } from "@serialport/binding-mock";
import { afterEach, describe, expect, it } from "vitest";
import { SerialRelay } from "../barrier/serial-relay.js";
import { SerialScanner } from "../inputs/serial-scanner.js";
import { silentLogger } from "../log.js";
import { loadNativeBinding, type BindingLoader } from "./serial-port.js";

/** MockBinding, remembering each port it opens so the test can talk to the other end. */
function mockBinding() {
  const opened: MockPortBinding[] = [];
  const binding = {
    list: () => MockBinding.list(),
    open: async (options: Parameters<typeof MockBinding.open>[0]) => {
      const port = await MockBinding.open(options);
      opened.push(port);
      return port;
    },
  };
  return { opened, load: (async () => binding) as unknown as BindingLoader };
}

afterEach(() => MockBinding.reset());

describe("serial devices", () => {
  it("reads scans from a serial scanner whatever line ending it sends", async () => {
    MockBinding.createPort("/dev/ttyACM0", { echo: false, record: false });
    const { opened, load } = mockBinding();
    const scanner = new SerialScanner({ path: "/dev/ttyACM0", baudRate: 9600, log: silentLogger, loadBinding: load });
    const scans: string[] = [];
    const done = new Promise<void>((resolve) =>
      scanner.start((text, source) => {
        scans.push(`${source}:${text}`);
        if (scans.length === 3) resolve();
      }),
    );
    const port = await (async () => {
      while (opened.length === 0) await new Promise((r) => setImmediate(r));
      return opened[0]!;
    })();
    port.emitData("AB12CDE\r");
    port.emitData("eyJh.eyJy.c2ln\r\nXY");
    port.emitData("-9\n");
    await done;
    await scanner.stop();
    expect(scans).toEqual(["serial:AB12CDE", "serial:eyJh.eyJy.c2ln", "serial:XY-9"]);
  });

  it("pulses a USB relay board: the open command, then the close command after the pulse", async () => {
    MockBinding.createPort("/dev/ttyUSB0", { echo: false, record: true });
    const { opened, load } = mockBinding();
    const relay = new SerialRelay({
      path: "/dev/ttyUSB0",
      baudRate: 9600,
      openCommand: Buffer.from("A00101A2", "hex"),
      closeCommand: Buffer.from("A00100A1", "hex"),
      pulseMs: 20,
      log: silentLogger,
      loadBinding: load,
    });
    const states: string[] = [];
    const closed = new Promise<void>((resolve) =>
      relay.on("state", (s) => {
        states.push(s);
        if (s === "closed") resolve();
      }),
    );
    await relay.open("test");
    expect(opened[0]!.recording.toString("hex")).toBe("a00101a2");
    await closed;
    expect(opened[0]!.recording.toString("hex")).toBe("a00101a2a00100a1");
    expect(states).toEqual(["open", "closed"]);
    await relay.close();
  });

  it("says what is missing when a serial relay cannot reach its port", async () => {
    const { load } = mockBinding();
    const relay = new SerialRelay({
      path: "/dev/ttyUSB9",
      baudRate: 9600,
      openCommand: Buffer.from("A00101A2", "hex"),
      closeCommand: Buffer.alloc(0),
      pulseMs: 20,
      log: silentLogger,
      loadBinding: load,
    });
    await expect(relay.open("test")).rejects.toThrow(/ttyUSB9/);
  });

  it("loads the native serial driver from the prebuilt binary in its npm package", async () => {
    const binding = await loadNativeBinding();
    // Opening a port that does not exist runs the native open() and reports the OS error. (list()
    // would shell out to udevadm, which containers without udev lack: not what this test is about.)
    await expect(binding.open({ path: "/dev/spotkeeper-no-such-port", baudRate: 9600 })).rejects.toThrow(
      /no such file|ENOENT/i,
    );
  });
});
