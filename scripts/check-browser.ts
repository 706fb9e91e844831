// First step of `npm test`: make sure the browser tests have a Chromium that starts, before minutes of
// type-checking, unit tests and the build. Without the distribution's Chromium it fetches Playwright's
// own; when that cannot work, it stops at once with the one line that fixes it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumExecutable } from "../e2e/chromium";

const FIX =
  'run "sudo apt-get install -y chromium" (Debian/Ubuntu) or "npx playwright install --with-deps chromium", then npm test again';

function fail(reason: string): never {
  console.error(`[check-browser] No working Chromium for the browser tests (${reason}): ${FIX}.`);
  process.exit(1);
}

const system = chromiumExecutable();
if (!system && !existsSync(chromium.executablePath())) {
  console.log("[check-browser] No system Chromium: downloading Playwright's (npx playwright install chromium) ...");
  const install = spawnSync("npx", ["playwright", "install", "chromium"], { stdio: "inherit" });
  if (install.status !== 0) fail("the download failed");
}

try {
  const browser = await chromium.launch({ executablePath: system, args: CHROMIUM_ARGS, timeout: 30_000 });
  await browser.close();
} catch (err) {
  // Typically missing system libraries of Playwright's build; the first line names them.
  fail(`${system ?? chromium.executablePath()} does not start: ${String(err).split("\n")[0]}`);
}
console.log(`[check-browser] Chromium: ${system ?? chromium.executablePath()}`);
