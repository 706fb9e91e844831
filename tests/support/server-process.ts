/**
 * A server started the way `next start` starts one: instrumentation's startServer() (environment,
 * database, workflows, gate upkeep), then the route handlers behind node:http. Unlike
 * app-process.ts it does not wait for PostgreSQL, so a test can start it while PostgreSQL is down.
 * Prints `port <n>` once listening.
 */
import { GET as health } from "@/app/health/route";
import { GET as ready } from "@/app/ready/route";
import { GET as listLots } from "@/app/v1/lots/route";
import { startServer } from "@/instrumentation-node";
import { serveRoutes } from "./http-server";

await startServer();
const server = await serveRoutes([
  { method: "GET", pattern: /^\/health$/, handler: async () => health() },
  { method: "GET", pattern: /^\/ready$/, handler: async () => ready() },
  { method: "GET", pattern: /^\/v1\/lots$/, handler: listLots },
]);
console.log(`port ${new URL(server.url).port}`);
