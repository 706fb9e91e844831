#!/usr/bin/env node
import { Bridge } from "./bridge.js";
import { ConfigError, configKeys, loadConfig } from "./config.js";
import { createLogger, errorText } from "./log.js";

const HELP = `spotkeeper-gate: the Spotkeeper gate bridge

Usage: spotkeeper-gate [--config FILE] [--option value ...]

Every option can come from the JSON file (camelCase), the environment (UPPER_SNAKE) or the command
line (--kebab-case); the command line wins, then the environment, then the file. Required: server-url,
lot-id, gate-id, gate-secret (or GATE_SECRET_FILE), direction. See README.md for what each one does.

${configKeys.map((k) => `  ${k.flag.padEnd(26)} ${k.env}`).join("\n")}
`;

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return;
  }
  let config;
  try {
    config = loadConfig(argv, process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : errorText(err)}\n`);
    process.exit(2);
  }
  const log = createLogger(config.logLevel);
  const bridge = new Bridge(config, { log });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { signal });
    bridge.stop().then(
      () => process.exit(0),
      (err) => {
        log.error("stop failed", { error: errorText(err) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  await bridge.start();
}

main().catch((err) => {
  // systemd's Restart=always brings the bridge back; the log says why it went.
  createLogger("error").error("gate bridge crashed", { error: errorText(err) });
  process.exit(1);
});
