import { inProcessScheduler } from "./in-process-scheduler";
import { inngestConfigured } from "./send-event";

/**
 * Called once at server start (instrumentation.ts). With Inngest configured, Inngest runs the
 * workflows (app/api/inngest) and nothing starts here; without, the in-process scheduler does.
 */
export function startWorkflows() {
  if (inngestConfigured()) {
    console.log("[spotkeeper] workflows: run by Inngest (served at /api/inngest)");
    return null;
  }
  const scheduler = inProcessScheduler();
  if (!scheduler.running) {
    scheduler.start();
    console.log("[spotkeeper] workflows: no Inngest server configured; the in-process scheduler sweeps deadlines");
  }
  return scheduler;
}
