import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumExecutable } from "./e2e/chromium";

// E2E_PORT and E2E_DATABASE let several checkouts run the suite side by side on one machine.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${PORT}`;
const E2E_DATABASE = process.env.E2E_DATABASE ?? "spotkeeper_e2e";
const EMBEDDED_DIR = ".data/e2e-pg";

/**
 * The server under test always starts from an empty database that the app migrates and seeds with
 * the demo data (SPOTKEEPER_DEMO=1): with DATABASE_URL, a `spotkeeper_e2e` database on that server;
 * without, an embedded PostgreSQL in its own folder and port, so a running demo is left alone.
 * Playwright starts webServer before globalSetup, so the database is prepared by the server command
 * itself (e2e/prepare-db.mjs) rather than by a globalSetup.
 */
function serverEnv(): Record<string, string> {
  const common = {
    SPOTKEEPER_DEMO: "1",
    // The specs pay as the one demo driver many times over; the limits themselves are tested in
    // tests/limits.test.ts, so the browser suite only needs them out of its way.
    RATE_LIMIT_PAYMENT: "500/600",
    HOLD_LIMIT_PER_LOT: "50",
    HOLD_LIMIT_TOTAL: "100",
    NEXTAUTH_SECRET: "e2e-only-secret-not-for-production",
    NEXTAUTH_URL: baseURL,
  };
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const url = new URL(adminUrl);
    url.pathname = `/${E2E_DATABASE}`;
    return { ...common, DATABASE_URL: url.toString(), E2E_ADMIN_DATABASE_URL: adminUrl, E2E_DATABASE };
  }
  return { ...common, EMBEDDED_PG_DIR: EMBEDDED_DIR, EMBEDDED_PG_PORT: "54339", E2E_EMBEDDED_DIR: EMBEDDED_DIR };
}

// Payments run on the in-process demo processor (its test cards), never a real or mocked Stripe a
// developer's shell happens to point at. Playwright merges this over process.env, and Node drops
// variables whose value is undefined, which unsets them for the server.
const unset = {
  STRIPE_SECRET_KEY: undefined,
  STRIPE_WEBHOOK_SECRET: undefined,
  STRIPE_API_BASE: undefined,
} as unknown as Record<string, string>;

// Checked (or fetched) by scripts/check-browser.ts before `npm test` builds anything.
const launchOptions = { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS };

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["dot"], ["html", { open: "never" }]] : "list",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: "on-first-retry",
  },
  // Desktop and a phone (390×844, the width most drivers book at), both on Chromium. The phone runs
  // the site's specs; the kiosk is a fixed screen at the barrier, not a phone page.
  projects: [
    {
      name: "desktop",
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 900 }, launchOptions },
    },
    {
      name: "phone",
      testMatch: ["pages.spec.ts", "driver-journey.spec.ts"],
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        launchOptions,
      },
    },
  ],
  webServer: {
    // `npm test` runs `next build` first; this serves that build.
    command: `node e2e/prepare-db.mjs && npx next start -p ${PORT}`,
    url: baseURL,
    reuseExistingServer: false,
    // First start: initialise the embedded cluster (or create the database), migrate, seed.
    timeout: 180_000,
    env: { ...unset, ...serverEnv() },
    // SIGTERM lets the app stop its embedded PostgreSQL instead of leaving it running.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
