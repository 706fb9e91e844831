/**
 * The server half of `npm run bench`, in a process of its own as in production (the bridge is
 * another machine): the check-in route handler behind node:http on a loopback port, printed on
 * stdout as `port <n>`. `GET /__settled` answers once the background work of earlier reads (gate
 * events, workflow consumers) has finished, so the bench can time one car at a time.
 */
import { POST as checkInRoute } from "@/app/v1/gates/check-in/route";
import { gateTasksIdle } from "@/lib/gates/background";
import { memoryGateKv } from "@/lib/gates/kv";
import { overrideGateKv } from "@/lib/gates/store";
import { inProcessScheduler } from "@/lib/workflows/in-process-scheduler";
import { serveRoutes } from "../tests/support/http-server";

async function settled() {
  await gateTasksIdle();
  await inProcessScheduler().idle();
  return Response.json({ ok: true });
}

// The fallback figure: an empty store in place of Redis, so every read goes to PostgreSQL.
async function useEmptyStore() {
  overrideGateKv(memoryGateKv());
  return Response.json({ ok: true });
}

const server = await serveRoutes([
  { method: "POST", pattern: /^\/v1\/gates\/check-in$/, handler: checkInRoute },
  { method: "GET", pattern: /^\/__settled$/, handler: settled },
  { method: "POST", pattern: /^\/__empty-store$/, handler: useEmptyStore },
]);
console.log(`port ${new URL(server.url).port}`);
