import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/support/harness.js";
import { loadConfig } from "./config.js";

const required = {
  SERVER_URL: "https://spotkeeper.example/",
  LOT_ID: "lot-1",
  GATE_ID: "gate-1",
  GATE_SECRET: "gk_abc",
  DIRECTION: "entry",
};

describe("gate bridge configuration", () => {
  it("reads the environment with documented defaults", () => {
    const config = loadConfig([], required);
    expect(config).toMatchObject({
      serverUrl: "https://spotkeeper.example",
      bridgePort: 7070,
      bridgeHost: "127.0.0.1",
      serverTimeoutMs: 300,
      cacheRefreshMs: 3_000, // issue 11: incremental updates every few seconds
      barrier: "simulated",
      queueDir: "./data",
    });
    expect(config.relayOpenHex.toString("hex")).toBe("a00101a2");
  });

  it("lets the command line override the environment, and the environment the JSON file", async () => {
    const file = path.join(await tempDir(), "gate.json");
    await writeFile(
      file,
      JSON.stringify({
        bridgePort: 7001,
        serverTimeoutMs: 500,
        scannerSerial: ["/dev/ttyACM0"],
        relayOpenHex: "FF 01 01",
      }),
    );
    const config = loadConfig(["--config", file, "--bridge-port=7003"], {
      ...required,
      BRIDGE_PORT: "7002",
      SCANNER_EVDEV: "/dev/input/event3, /dev/input/event4",
    });
    expect(config.bridgePort).toBe(7003);
    expect(config.serverTimeoutMs).toBe(500);
    expect(config.scannerSerial).toEqual(["/dev/ttyACM0"]);
    expect(config.scannerEvdev).toEqual(["/dev/input/event3", "/dev/input/event4"]);
    expect(config.relayOpenHex.toString("hex")).toBe("ff0101");
  });

  it("reads the gate secret from a credentials file (systemd LoadCredential)", async () => {
    const file = path.join(await tempDir(), "secret");
    await writeFile(file, "gk_from_file\n");
    const { GATE_SECRET: _, ...env } = required;
    expect(loadConfig([], { ...env, GATE_SECRET_FILE: file }).gateSecret).toBe("gk_from_file");
  });

  it("names the variable and the flag of every missing or invalid setting", () => {
    expect(() => loadConfig(["--direction", "sideways"], { SERVER_URL: "not a url" })).toThrow(
      /serverUrl \(env SERVER_URL, --server-url\)[\s\S]*lotId \(env LOT_ID, --lot-id\)[\s\S]*direction \(env DIRECTION, --direction\)/,
    );
    expect(() => loadConfig(["--barrier", "serial"], required)).toThrow(/RELAY_PORT/);
    expect(() => loadConfig(["--colour", "blue"], required)).toThrow(/Unknown option --colour/);
  });
});
