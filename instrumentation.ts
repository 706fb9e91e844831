// Runs once when the server starts: validate the environment, then bring the database up (embedded
// PostgreSQL in demo mode), migrate and seed before the first request rather than during it.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./instrumentation-node");
  await startServer();
}
