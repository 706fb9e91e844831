import { existsSync } from "node:fs";

/**
 * The browser the Playwright tests drive, shared by playwright.config.ts and the pre-check
 * (scripts/check-browser.ts): the distribution's Chromium where there is one (CI images install
 * Debian's), else Playwright's own build (`npx playwright install chromium`). SPOTKEEPER_CHROMIUM
 * names another binary (e.g. /usr/bin/chromium-browser); set it empty to use Playwright's.
 */
export function chromiumExecutable(): string | undefined {
  const path = process.env.SPOTKEEPER_CHROMIUM ?? "/usr/bin/chromium";
  return path && existsSync(path) ? path : undefined;
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
