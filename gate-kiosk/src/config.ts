import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * Every setting has one name per source: camelCase in the JSON file, UPPER_SNAKE in the environment,
 * --kebab-case on the command line. Later sources win: defaults < JSON file < environment < CLI, so a
 * systemd drop-in or a one-off flag overrides the file without editing it.
 */
const list = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean));
const bool = z
  .union([z.boolean(), z.enum(["1", "0", "true", "false", "yes", "no"])])
  .transform((v) => (typeof v === "boolean" ? v : ["1", "true", "yes"].includes(v)));
const ms = (def: number) => z.coerce.number().int().min(1).default(def);
const hexBytes = z
  .string()
  .regex(/^(\s*[0-9a-fA-F]{2})*\s*$/, 'hex bytes such as "A0 01 01 A2"')
  .transform((s) => Buffer.from(s.replace(/\s+/g, ""), "hex"));

export const configSchema = z.object({
  serverUrl: z.url().transform((u) => u.replace(/\/+$/, "")),
  lotId: z.string().min(1),
  gateId: z.string().min(1),
  gateSecret: z.string().min(1),
  direction: z.enum(["entry", "exit"]),

  /** Where the kiosk page, the camera and the keypad reach the bridge (env BRIDGE_HOST / BRIDGE_PORT). */
  bridgeHost: z.string().default("127.0.0.1"),
  bridgePort: z.coerce.number().int().min(0).max(65535).default(7070),
  /** Holds the offline event queue and the signed offline cache; must survive reboots. */
  queueDir: z.string().default("./data"),
  /** Origins allowed to read /events and post /manual; the server's own origin is always allowed. */
  kioskOrigins: list.default([]),

  serverTimeoutMs: ms(300),
  replayTimeoutMs: ms(5_000),
  replayIntervalMs: ms(5_000),
  /** The offline cache's incremental update (only what changed); a full copy every 5 minutes. */
  cacheRefreshMs: ms(3_000),
  cacheRetryMs: ms(30_000),
  commandPollMs: ms(2_000),
  /** GET /v1/gates/self: the pairing check, which is also the gate's heartbeat to the dashboard. */
  pairingCheckMs: ms(5_000),
  /** A repeat of the same identifier within this window is the same car, not a new event. */
  dedupeWindowMs: ms(5_000),
  /** Offline only: camera reads below this confidence ask for the QR pass (online, the lot decides). */
  lprMinConfidence: z.coerce.number().min(0).max(1).default(0.8),
  /** Allowed clock skew of the gate PC when checking a QR pass's nbf/exp offline. */
  clockToleranceS: z.coerce.number().int().min(0).default(30),
  /** When set, POST /lpr requires `Authorization: Bearer <lprToken>` (the camera sits on a LAN). */
  lprToken: z.string().min(1).optional(),
  /** When set, POST /manual also takes `Authorization: Bearer <kioskToken>` from a screen that is not on this PC. */
  kioskToken: z.string().min(1).optional(),
  /** A second listener for the camera alone (POST /lpr, nothing else), e.g. on the camera's LAN: host:port. */
  cameraListen: z
    .string()
    .regex(/^[^\s]+:\d+$/, "host:port")
    .optional(),

  barrier: z.enum(["simulated", "serial"]).default("simulated"),
  pulseMs: ms(1_000),
  relayPort: z.string().min(1).optional(),
  relayBaud: z.coerce.number().int().positive().default(9600),
  // LCUS-type USB relay boards: A0 <channel> <state> <checksum>.
  relayOpenHex: hexBytes.default(Buffer.from("A00101A2", "hex")),
  relayCloseHex: hexBytes.default(Buffer.from("A00100A1", "hex")),

  scannerStdin: bool.default(false),
  scannerEvdev: list.default([]),
  scannerSerial: list.default([]),
  scannerSerialBaud: z.coerce.number().int().positive().default(9600),

  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type BridgeConfig = z.output<typeof configSchema>;
export type BridgeConfigInput = z.input<typeof configSchema>;

const KEYS = Object.keys(configSchema.shape) as (keyof BridgeConfigInput)[];
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseConfig(input: Record<string, unknown>): BridgeConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const key = String(i.path[0] ?? "");
      return `  ${key} (env ${snake(key)}, --${kebab(key)}): ${i.message}`;
    });
    throw new ConfigError(`Invalid gate-kiosk configuration:\n${lines.join("\n")}`);
  }
  const config = result.data;
  if (config.cameraListen && !config.lprToken) {
    throw new ConfigError(
      "Invalid gate-kiosk configuration:\n  lprToken (env LPR_TOKEN, --lpr-token): required with cameraListen (the camera's listener is on a network)",
    );
  }
  if (config.barrier === "serial" && !config.relayPort) {
    throw new ConfigError(
      "Invalid gate-kiosk configuration:\n  relayPort (env RELAY_PORT, --relay-port): required with barrier=serial",
    );
  }
  return config;
}

/** Reads `--key value` / `--key=value` pairs; `--config FILE` names the JSON file. */
export function parseArgs(argv: string[]): { file?: string; values: Record<string, string> } {
  const values: Record<string, string> = {};
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new ConfigError(`Unexpected argument "${arg}"`);
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    if (name === "config") {
      file = value;
      continue;
    }
    const key = KEYS.find((k) => kebab(k) === name);
    if (!key) throw new ConfigError(`Unknown option --${name}`);
    values[key] = value;
  }
  return { file, values };
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): BridgeConfig {
  const args = parseArgs(argv);
  const file = args.file ?? env.CONFIG_FILE;
  const fromFile: Record<string, unknown> = file ? JSON.parse(readFileSync(file, "utf8")) : {};
  const fromEnv: Record<string, string> = {};
  for (const key of KEYS) {
    const value = env[snake(key)];
    if (value !== undefined && value !== "") fromEnv[key] = value;
  }
  // systemd's LoadCredential= hands secrets over as files rather than environment variables.
  const secretFile = args.values.gateSecret ? undefined : env.GATE_SECRET_FILE;
  if (secretFile) fromEnv.gateSecret = readFileSync(secretFile, "utf8").trim();
  return parseConfig({ ...fromFile, ...fromEnv, ...args.values });
}

export const configKeys = KEYS.map((k) => ({ key: k, env: snake(k), flag: `--${kebab(k)}` }));
