// Runs once when the server starts: validate the environment, then bring the database up (embedded
// PostgreSQL in demo mode), migrate and seed before the first request rather than during it.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Rate limits need the client's address; route handlers do not see the socket (lib/ratelimit).
  const { stampPeerAddress } = await import("@/lib/ratelimit/peer-address");
  stampPeerAddress();
  const { env } = await import("@/lib/env");
  env();
  const { getDb } = await import("@/db/client");
  await getDb();
  // Not while `next build` prerenders: a build must not sweep a database or hold timers open.
  if (process.env.NEXT_PHASE !== "phase-production-build") {
    const { startWorkflows } = await import("@/lib/workflows/start-workflows");
    startWorkflows();
  }
}
