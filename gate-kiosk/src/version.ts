import { readFileSync } from "node:fs";

/** The package's version, reported to the server with every pairing check (dashboard: gate health). */
export const BRIDGE_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
      .version;
  } catch {
    return "unknown";
  }
})();
