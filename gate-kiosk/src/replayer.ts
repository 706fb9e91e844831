import type { EventQueue } from "./event-queue.js";
import { errorText, type Logger } from "./log.js";
import { ServerError, type ServerClient } from "./server-client.js";

export type ReplayOutcome = "drained" | "server_unavailable" | "busy";

/**
 * Sends queued offline events to the server, oldest first, one at a time, and takes each off the
 * queue only once the server answered 2xx. One pass at a time: a second trigger while a pass runs
 * is a no-op rather than a second sender racing the first over the same events.
 */
export class Replayer {
  private running: Promise<ReplayOutcome> | null = null;

  constructor(
    private readonly options: {
      queue: EventQueue;
      client: ServerClient;
      timeoutMs: number;
      log: Logger;
      onServerReached: (reached: boolean, err?: unknown) => void;
    },
  ) {}

  replay(): Promise<ReplayOutcome> {
    if (this.running) return Promise.resolve("busy");
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Resolves when the pass under way (if any) has finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  private async pass(): Promise<ReplayOutcome> {
    const { queue, client, timeoutMs, log } = this.options;
    for (const event of queue.peek()) {
      if (!queue.has(event.event_id)) continue;
      try {
        if (event.kind === "report") {
          await client.report(event.body, timeoutMs);
          await queue.ack(event.event_id, 200);
          this.options.onServerReached(true);
          log.info("barrier report delivered", { event_id: event.event_id, barrier: event.body.barrier });
          continue;
        }
        const send = event.kind === "check-in" ? client.checkIn.bind(client) : client.checkOut.bind(client);
        // Stamped at each sending, on the clock received_at was read from: the server measures the
        // gate PC's clock by it (its arrival time minus sent_at) and corrects occurred_at.
        const answer = await send({ ...event.body, sent_at: new Date().toISOString() }, timeoutMs);
        await queue.ack(event.event_id, 200);
        this.options.onServerReached(true);
        // A flag means the server had answered this read differently and now follows the barrier: operators see it.
        log[answer.flag ? "warn" : "info"]("offline event replayed", {
          event_id: event.event_id,
          server_action: answer.action,
          local_action: event.body.offline_decision,
          ...(answer.flag ? { flag: answer.flag } : {}),
        });
      } catch (err) {
        if (err instanceof ServerError && err.status === 425) {
          // The server is still recording its own answer to this read: same order, next pass.
          this.options.onServerReached(true);
          log.debug("replay deferred: the server is still recording this read", { event_id: event.event_id });
          return "server_unavailable";
        }
        if (err instanceof ServerError && err.permanent) {
          this.options.onServerReached(true);
          log.error("server refused an offline event; kept in rejected.jsonl", {
            event_id: event.event_id,
            error: errorText(err),
          });
          await queue.reject(event.event_id, err.status ?? 0, err.message);
          continue;
        }
        this.options.onServerReached(false, err);
        // A refused credential will not cure itself: say so louder than a network blip.
        const auth = err instanceof ServerError && (err.status === 401 || err.status === 403);
        log[auth ? "error" : "warn"](
          auth ? "replay paused: the server refuses this gate's credential" : "replay paused: server unavailable",
          {
            event_id: event.event_id,
            pending: queue.size,
            error: errorText(err),
          },
        );
        return "server_unavailable";
      }
    }
    return "drained";
  }
}
