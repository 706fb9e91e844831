import { getDb, type Db } from "@/db/client";
import type { ParkingEvent } from "@/inngest/events";
import { sweepDue, type SweepResult } from "./sweep-due";
import { recordVehicleEntry, recordVehicleExit } from "./vehicle-events";

/**
 * The workflows without an Inngest server (the demo, this machine): one object per process that
 *
 * - sweeps every `intervalMs` for reservations past a deadline (unpaid holds, no-shows, their
 *   penalties, pending money movements) with the same functions as the Inngest cron backstop, so
 *   deadlines are met within one interval of when they fall, across restarts (the deadlines live
 *   in PostgreSQL, not in timers);
 * - consumes the events sendEvent hands it (gate entries and exits), asynchronously, retrying a
 *   failed one after `retryDelaysMs`. Reservation events need no consumer here: the sweep finds
 *   their deadlines in the database.
 *
 * The clock and the interval are injectable so tests can move time instead of waiting for it.
 */
export type SchedulerOptions = {
  getDb: () => Promise<Db>;
  now?: () => Date;
  intervalMs?: number;
  retryDelaysMs?: readonly number[];
  /** setTimeout/clearTimeout, replaceable so a test can fire them itself. */
  timers?: Timers;
  log?: Pick<Console, "warn" | "error">;
};

export type Timers = { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export type InProcessScheduler = {
  /** Starts sweeping: one sweep now, then one `intervalMs` after each finishes. Idempotent. */
  start(): void;
  /** Stops sweeping and retrying; resolves when the sweep and the events in flight have finished. */
  stop(): Promise<void>;
  /** Runs one sweep now. A sweep already running is shared rather than started twice. */
  sweep(): Promise<SweepResult>;
  /** Takes an event for the consumer and returns at once; the consumer runs on a later turn. */
  enqueue(event: ParkingEvent): void;
  /** Resolves when no sweep and no event (nor a scheduled retry) is pending. */
  idle(): Promise<void>;
  readonly running: boolean;
};

export const DEFAULT_SWEEP_INTERVAL_MS = 5_000;
const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000];

export function createInProcessScheduler(opts: SchedulerOptions): InProcessScheduler {
  const now = opts.now ?? (() => new Date());
  const intervalMs = opts.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const retryDelays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const log = opts.log ?? console;
  const timers = opts.timers ?? realTimers;

  let running = false;
  let timer: unknown;
  let current: Promise<SweepResult> | undefined;
  const inFlight = new Set<Promise<unknown>>();
  const retries = new Map<unknown, () => void>();

  const track = <T>(p: Promise<T>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  };

  function sweep(): Promise<SweepResult> {
    current ??= track(
      (async () => {
        try {
          return await sweepDue(await opts.getDb(), now(), "scheduler");
        } finally {
          current = undefined;
        }
      })(),
    );
    return current;
  }

  async function loop() {
    timer = undefined;
    try {
      await sweep();
    } catch (err) {
      log.warn("[spotkeeper] scheduler sweep failed (the next one retries):", (err as Error).message);
    }
    if (running) timer = timers.set(() => void track(loop()), intervalMs);
  }

  async function consume(event: ParkingEvent) {
    if (event.name === "parking/vehicle.entered") await recordVehicleEntry(await opts.getDb(), event.data, "scheduler");
    else if (event.name === "parking/vehicle.exited")
      await recordVehicleExit(await opts.getDb(), event.data, "scheduler");
  }

  function attempt(event: ParkingEvent, n: number) {
    track(
      consume(event).catch((err) => {
        const delay = retryDelays[n];
        if (delay === undefined) {
          log.error(`[spotkeeper] ${event.name} ${event.id} failed ${n + 1} times; giving up:`, (err as Error).message);
          return;
        }
        log.warn(`[spotkeeper] ${event.name} ${event.id} failed; retrying in ${delay} ms:`, (err as Error).message);
        // A pending retry counts as work in flight, so idle() and stop() account for it.
        let settle!: () => void;
        track(new Promise<void>((resolve) => (settle = resolve)));
        const t = timers.set(() => {
          retries.delete(t);
          attempt(event, n + 1);
          settle();
        }, delay);
        retries.set(t, settle);
      }),
    );
  }

  return {
    get running() {
      return running;
    },
    start() {
      if (running) return;
      running = true;
      timer = timers.set(() => void track(loop()), 0);
    },
    async stop() {
      running = false;
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
      for (const [t, settle] of retries) {
        timers.clear(t);
        settle();
      }
      retries.clear();
      await this.idle();
    },
    sweep,
    enqueue(event) {
      track(
        new Promise<void>((resolve) =>
          setImmediate(() => {
            attempt(event, 0);
            resolve();
          }),
        ),
      );
    },
    async idle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}

// One per process, kept on globalThis so Next.js' module reloading does not start a second one.
const g = globalThis as unknown as { __spotkeeperScheduler?: InProcessScheduler };

/** The process's scheduler (created on first use; sweeping only once started). */
export function inProcessScheduler(): InProcessScheduler {
  if (!g.__spotkeeperScheduler) {
    g.__spotkeeperScheduler = createInProcessScheduler({ getDb });
  }
  return g.__spotkeeperScheduler;
}
