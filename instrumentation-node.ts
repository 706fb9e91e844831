// The Node.js half of instrumentation.ts, kept apart so the Edge bundle never sees process.exit.
export async function startServer() {
  // Rate limits need the client's address; route handlers do not see the socket (lib/ratelimit).
  const { stampPeerAddress } = await import("@/lib/ratelimit/peer-address");
  stampPeerAddress();
  const building = process.env.NEXT_PHASE === "phase-production-build";
  try {
    const { env } = await import("@/lib/env");
    const e = env();
    const { getDb } = await import("@/db/client");
    const { isDatabaseUnavailable } = await import("@/lib/errors");
    try {
      await getDb();
    } catch (err) {
      // PostgreSQL not there yet (or down): serve anyway — /health answers, the API answers 503
      // unavailable, gates decide from Redis — and connect (migrate, seed) on the first request
      // after it returns. Any other start-up failure is a real fault and stops the server.
      if (!isDatabaseUnavailable(err)) throw err;
      console.error(
        `[spotkeeper] PostgreSQL is unreachable (${(err as Error).message}); serving, and connecting when it returns`,
      );
    }
    if (e.demo && !building) {
      const { demoBanner } = await import("@/db/demo-banner");
      const url = process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
      console.log(demoBanner({ url, driverToken: e.DEMO_DRIVER_TOKEN, operatorToken: e.DEMO_OPERATOR_TOKEN }));
    }
  } catch (err) {
    if (building) throw err;
    // Next.js logs a failed register() and keeps serving, answering every request with a 500. A server
    // that cannot work stops instead, with the reason, so the operator (or the orchestrator) sees it.
    console.error(`[spotkeeper] cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  // Not while `next build` prerenders: a build must not sweep a database or hold timers open.
  if (!building) {
    const { startWorkflows } = await import("@/lib/workflows/start-workflows");
    startWorkflows();
    const { getDb } = await import("@/db/client");
    const { startGateUpkeep } = await import("@/lib/gates/upkeep");
    startGateUpkeep(getDb);
  }
}
