import type { Barrier } from "./barrier/barrier.js";
import { SerialRelay } from "./barrier/serial-relay.js";
import { SimulatedRelay } from "./barrier/simulated-relay.js";
import type { BridgeConfig } from "./config.js";
import { EvdevKeyboard } from "./inputs/evdev-keyboard.js";
import type { ScanInput } from "./inputs/scan-input.js";
import { SerialScanner } from "./inputs/serial-scanner.js";
import { StdinWedge } from "./inputs/stdin-wedge.js";
import type { Logger } from "./log.js";
import type { BindingLoader } from "./serial/serial-port.js";

/** The barrier output the configuration names. */
export function createBarrier(config: BridgeConfig, log: Logger, loadBinding?: BindingLoader): Barrier {
  if (config.barrier === "serial") {
    return new SerialRelay({
      path: config.relayPort!,
      baudRate: config.relayBaud,
      openCommand: config.relayOpenHex,
      closeCommand: config.relayCloseHex,
      pulseMs: config.pulseMs,
      log,
      loadBinding,
    });
  }
  return new SimulatedRelay({ pulseMs: config.pulseMs, log });
}

/** The scanners the configuration names (the camera and the kiosk keypad come in over HTTP). */
export function createInputs(config: BridgeConfig, log: Logger, loadBinding?: BindingLoader): ScanInput[] {
  const inputs: ScanInput[] = [];
  if (config.scannerStdin) inputs.push(new StdinWedge());
  for (const device of config.scannerEvdev) inputs.push(new EvdevKeyboard(device, log));
  for (const path of config.scannerSerial)
    inputs.push(new SerialScanner({ path, baudRate: config.scannerSerialBaud, log, loadBinding }));
  return inputs;
}
