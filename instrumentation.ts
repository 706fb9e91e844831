// Runs once when the server starts: validate the environment, then bring the database up (embedded
// PostgreSQL in demo mode), migrate and seed before the first request rather than during it.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("@/lib/env");
  env();
  const { getDb } = await import("@/db/client");
  const { isDatabaseUnavailable } = await import("@/lib/errors");
  try {
    await getDb();
  } catch (err) {
    // PostgreSQL not there yet (or down): serve anyway — /health answers, the API answers 503
    // unavailable, gates decide from Redis — and connect (migrate, seed) on the first request
    // after it returns. Any other start-up failure is a real fault and stops the server.
    if (!isDatabaseUnavailable(err)) throw err;
    console.error(`[spotkeeper] PostgreSQL is unreachable (${(err as Error).message}); serving, and connecting when it returns`);
  }
  // Not while `next build` prerenders: a build must not sweep a database or hold timers open.
  if (process.env.NEXT_PHASE !== "phase-production-build") {
    const { startWorkflows } = await import("@/lib/workflows/start-workflows");
    startWorkflows();
  }
}
