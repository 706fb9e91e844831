import { inngest } from "@/inngest/client";
import { parseParkingEvent, type ParkingEvent } from "@/inngest/events";
import { env } from "@/lib/env";

/**
 * True when an Inngest server takes the events: Inngest Cloud (INNGEST_EVENT_KEY) or the dev server
 * (INNGEST_DEV=1, or its URL). "0"/"false" count as unset, as the SDK reads them.
 */
export function inngestConfigured(): boolean {
  const e = env();
  const dev = e.INNGEST_DEV?.trim().toLowerCase();
  return Boolean(e.INNGEST_EVENT_KEY) || (Boolean(dev) && dev !== "0" && dev !== "false");
}

/**
 * Publishes one workflow event (inngest/events.ts lists them and their data).
 *
 * - With Inngest configured it is sent with `inngest.send`, and `id` becomes Inngest's idempotency
 *   key: a second event with the same id (a retried request, a replayed gate read) is dropped.
 *   Resolves once Inngest has accepted it; rejects if Inngest cannot be reached after the SDK's
 *   retries, so a caller that must not lose it (a gate) can keep it and send again.
 * - Without, it is handed to the in-process scheduler, which runs the same consumer logic
 *   asynchronously: this resolves at once, never waiting for (or failing with) the consumer. The
 *   scheduler logs and retries a failing consumer; deadlines are also found by its periodic sweep.
 *
 * Rejects, in both modes, for an event that does not match its schema.
 *
 * @example
 * await sendEvent({
 *   name: "parking/vehicle.entered",
 *   data: { reservation_id, lot_id, gate_id, event_id, occurred_at: new Date().toISOString() },
 *   id: `vehicle.entered:${event_id}`,
 * });
 */
export async function sendEvent(event: ParkingEvent): Promise<void> {
  const parsed = parseParkingEvent(event);
  if (inngestConfigured()) {
    await inngest.send({ name: parsed.name, data: parsed.data, id: parsed.id });
    return;
  }
  // Imported here rather than at the top: the scheduler reaches the lifecycle code, whose effects
  // import this module.
  const { inProcessScheduler } = await import("./in-process-scheduler");
  inProcessScheduler().enqueue(parsed);
}

/**
 * Many events in one call (the gate recorder's batch): one `inngest.send([...])` request, each
 * event's `id` its idempotency key; without Inngest, each is handed to the in-process scheduler.
 */
export async function sendEvents(events: ParkingEvent[]): Promise<void> {
  if (events.length === 0) return;
  const parsed = events.map(parseParkingEvent);
  if (inngestConfigured()) {
    await inngest.send(parsed.map((e) => ({ name: e.name, data: e.data, id: e.id })));
    return;
  }
  const { inProcessScheduler } = await import("./in-process-scheduler");
  for (const e of parsed) inProcessScheduler().enqueue(e);
}
