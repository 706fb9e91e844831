/**
 * One app process for the multi-process and crash tests: the route handlers behind node:http (as
 * Next.js serves them), the in-process scheduler and the gate upkeep, as instrumentation.ts starts
 * them — in a child process of the test, with the test's database and Redis prefix in its
 * environment. Prints `port <n>` once listening.
 *
 * APP_FREEZE_AFTER_GATE_ANSWER=1 plays a process that dies right after answering a gate: work
 * to run after an answer never starts (holdGateTasks), until the test kills it (SIGKILL).
 *
 * GET /test/statements answers how many statements this process has sent to PostgreSQL so far
 * (postgres.js' debug hook), so a test can see what a request cost.
 */
import { POST as checkInRoute } from "@/app/v1/gates/check-in/route";
import { POST as createLotRoute } from "@/app/v1/lots/route";
import { GET as meRoute } from "@/app/v1/me/route";
import { POST as createTokenRoute } from "@/app/v1/me/tokens/route";
import { DELETE as revokeTokenRoute } from "@/app/v1/me/tokens/[tokenId]/route";
import { POST as createOrganisationRoute } from "@/app/v1/organisations/route";
import { POST as paymentsRoute } from "@/app/v1/payments/route";
import { POST as rotateRoute } from "@/app/v1/lots/[id]/gates/[gateId]/rotate-secret/route";
import { POST as reservationsRoute } from "@/app/v1/reservations/route";
import { getDb } from "@/db/client";
import { holdGateTasks } from "@/lib/gates/background";
import { startGateUpkeep } from "@/lib/gates/upkeep";
import { createInProcessScheduler, inProcessScheduler } from "@/lib/workflows/in-process-scheduler";
import { serveRoutes } from "./http-server";

const freeze = process.env.APP_FREEZE_AFTER_GATE_ANSWER === "1";

let statements = 0;
((await getDb()) as unknown as { $client: { options: { debug?: unknown } } }).$client.options.debug = () =>
  statements++;
if (freeze) holdGateTasks();
if (process.env.APP_SCHEDULER_MS) {
  // The scheduler inProcessScheduler() hands out, sweeping faster than the default so the test is short.
  (globalThis as { __spotkeeperScheduler?: unknown }).__spotkeeperScheduler = createInProcessScheduler({
    getDb,
    intervalMs: Number(process.env.APP_SCHEDULER_MS),
  });
  inProcessScheduler().start();
}
if (!freeze) startGateUpkeep(getDb);
const server = await serveRoutes([
  { method: "POST", pattern: /^\/v1\/reservations$/, handler: reservationsRoute },
  { method: "POST", pattern: /^\/v1\/payments$/, handler: paymentsRoute },
  { method: "POST", pattern: /^\/v1\/gates\/check-in$/, handler: checkInRoute },
  {
    method: "POST",
    pattern: /^\/v1\/lots\/(?<id>[^/]+)\/gates\/(?<gateId>[^/]+)\/rotate-secret$/,
    handler: rotateRoute,
  },
  { method: "POST", pattern: /^\/v1\/lots$/, handler: createLotRoute },
  { method: "GET", pattern: /^\/v1\/me$/, handler: meRoute },
  { method: "POST", pattern: /^\/v1\/me\/tokens$/, handler: createTokenRoute },
  { method: "DELETE", pattern: /^\/v1\/me\/tokens\/(?<tokenId>[^/]+)$/, handler: revokeTokenRoute },
  { method: "POST", pattern: /^\/v1\/organisations$/, handler: createOrganisationRoute },
  { method: "GET", pattern: /^\/test\/statements$/, handler: async () => Response.json({ statements }) },
]);
console.log(`port ${new URL(server.url).port}`);
