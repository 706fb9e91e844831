import { SerialPortStream } from "@serialport/stream";

// @serialport/bindings-interface's package.json hides its types from NodeNext resolution; the stream
// package re-exposes the same interface through its constructor.
type BindingInterface = ConstructorParameters<typeof SerialPortStream>[0]["binding"];

/**
 * The native serial binding is the one part of this package that is platform code. It is an optional
 * dependency loaded on first use, so a gate PC where it did not install still runs every other input
 * and output; only a configured serial scanner or relay then fails, with a message saying why.
 * Tests pass @serialport/binding-mock instead.
 */
export type BindingLoader = () => Promise<BindingInterface>;

export const loadNativeBinding: BindingLoader = async () => {
  try {
    const { autoDetect } = await import("@serialport/bindings-cpp");
    return autoDetect() as unknown as BindingInterface;
  } catch (err) {
    throw new Error(
      "The serial port driver (@serialport/bindings-cpp) is not installed or did not load on this machine; " +
        "serial scanners and relays need it (npm install @serialport/bindings-cpp).",
      { cause: err },
    );
  }
};

export async function openSerialPort(options: {
  path: string;
  baudRate: number;
  loadBinding?: BindingLoader;
}): Promise<SerialPortStream> {
  const binding = await (options.loadBinding ?? loadNativeBinding)();
  const port = new SerialPortStream({ binding, path: options.path, baudRate: options.baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}
