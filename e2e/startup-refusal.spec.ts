import { spawn } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";

// The built app (npm test builds before Playwright), started the way production starts it, with a
// configuration that cannot work. It must stop with the reason instead of serving 500s.
const PORT = Number(process.env.E2E_PORT ?? 3100) + 1; // never reached: the server exits first
const NEXT = path.join(process.cwd(), "node_modules", ".bin", "next");
const GOOD_SECRET = "a-production-length-secret-for-this-test-only";
const NOTHING_LISTENS = "postgres://postgres@127.0.0.1:1/spotkeeper";

function startProduction(env: Record<string, string>) {
  // Only what a bare production host has, so the developer's or CI's DATABASE_URL/Stripe keys do not leak in.
  const child = spawn(NEXT, ["start", "-p", String(PORT)], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 45_000); // still running: the test fails on the code
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test.describe("a misconfigured production server refuses to start", () => {
  test("a short NEXTAUTH_SECRET stops the server with the variable's name", async () => {
    const { code, output } = await startProduction({ DATABASE_URL: NOTHING_LISTENS, NEXTAUTH_SECRET: "short-secret" });
    expect(code).toBe(1);
    expect(output).toContain(
      "[spotkeeper] cannot start: Invalid environment variables: NEXTAUTH_SECRET must be at least 32 characters",
    );
  });

  test("a malformed DATABASE_URL stops the server with the variable's name", async () => {
    const { code, output } = await startProduction({
      DATABASE_URL: "db.internal:5432/spotkeeper",
      NEXTAUTH_SECRET: GOOD_SECRET,
    });
    expect(code).toBe(1);
    expect(output).toContain(
      "[spotkeeper] cannot start: Invalid environment variables: DATABASE_URL must be a URL like postgres://",
    );
  });

  // Issue 9: PostgreSQL down at start is an outage, not a misconfiguration: the server starts, says
  // so, and answers 503 unavailable until PostgreSQL returns (gates keep deciding from Redis).
  test("a database that cannot be reached at start: the server starts, says so, and answers 503", async () => {
    const child = spawn(NEXT, ["start", "-p", String(PORT)], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: NOTHING_LISTENS,
        NEXTAUTH_SECRET: GOOD_SECRET,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    try {
      await expect.poll(() => output, { timeout: 45_000 }).toMatch(/PostgreSQL is unreachable/);
      expect(child.exitCode).toBeNull();
      const res = await fetch(`http://127.0.0.1:${PORT}/v1/lots`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    } finally {
      child.kill("SIGKILL");
    }
  });
});
