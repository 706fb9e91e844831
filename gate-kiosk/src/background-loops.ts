import { errorText, type Logger } from "./log.js";

/**
 * The bridge's periodic work (cache refresh, command polls, replays). Each task runs again only after
 * it finished, after the delay it returns, so a slow server never stacks up overlapping calls.
 */
export class BackgroundLoops {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly log: Logger,
    private readonly fallbackDelayMs: number,
  ) {}

  start(name: string, task: () => Promise<number | void>, firstDelay = 0): void {
    const run = async () => {
      let next = this.fallbackDelayMs;
      try {
        next = (await task()) ?? next;
      } catch (err) {
        this.log.error(`${name} failed`, { error: errorText(err) });
      }
      if (!this.stopped) schedule(next);
    };
    const schedule = (delay: number) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void run();
      }, delay);
      this.timers.add(timer);
    };
    schedule(firstDelay);
  }

  /** No task starts after this; one already running finishes and is not rescheduled. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
