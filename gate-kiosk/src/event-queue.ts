import { mkdir, open, readFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { BarrierReport, GateRequestBody } from "./contract.js";
import { writeFileAtomic } from "./durable-file.js";
import type { Logger } from "./log.js";

/** A read the gate decided alone (replayed to check-in/out), or a report of what the barrier did. */
export type QueuedEvent =
  | { event_id: string; kind: "check-in" | "check-out"; body: GateRequestBody; queued_at: string }
  | { event_id: string; kind: "report"; body: BarrierReport; queued_at: string };

type Line = { op: "add"; event: QueuedEvent } | { op: "ack"; event_id: string; status: number; at: string };

/** Past this many lines a log with few pending events is rewritten to just those. */
const COMPACT_AFTER_LINES = 1_000;

/**
 * Offline decisions waiting for the server, as an append-only JSON-lines log in `events.jsonl`:
 * `add` when the gate decided alone, `ack` once the server has recorded the event. Each line is
 * fsynced before the call returns, so an event the barrier acted on survives a power cut, and an
 * event leaves the queue only after the server confirmed it. A crash between the server's answer and
 * the `ack` line replays that event once more, which the server's per-event_id idempotency absorbs.
 * Events the server refuses for good (a 4xx other than auth) go to `rejected.jsonl` for a person.
 */
export class EventQueue {
  private readonly pending = new Map<string, QueuedEvent>();
  private lines = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** Called after the pending set changed (an event added, acknowledged or rejected). */
  onChange: () => void = () => {};

  private constructor(
    private readonly file: string,
    private readonly rejectedFile: string,
    private handle: FileHandle,
    private readonly log: Logger,
  ) {}

  static async open(dir: string, log: Logger): Promise<EventQueue> {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, "events.jsonl");
    const pending = new Map<string, QueuedEvent>();
    let text = "";
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    const rows = text.split("\n").filter((l) => l.trim());
    rows.forEach((row, i) => {
      let line: Line;
      try {
        line = JSON.parse(row) as Line;
      } catch {
        // Only the last line can be torn (a crash mid-write); anything else is worth a loud warning.
        log.warn(
          i === rows.length - 1 ? "dropping torn last line of the event queue" : "skipping unreadable event queue line",
          { line: i + 1 },
        );
        return;
      }
      if (line.op === "add") pending.set(line.event.event_id, line.event);
      else if (line.op === "ack") pending.delete(line.event_id);
    });
    // Start every run from a clean log: only the pending events, no torn tail to append after.
    const compacted = [...pending.values()]
      .map((event) => JSON.stringify({ op: "add", event } satisfies Line) + "\n")
      .join("");
    await writeFileAtomic(file, compacted);
    const handle = await open(file, "a", 0o600);
    const queue = new EventQueue(file, path.join(dir, "rejected.jsonl"), handle, log);
    pending.forEach((event, id) => queue.pending.set(id, event));
    queue.lines = pending.size;
    if (pending.size > 0) log.info("offline events waiting for replay", { count: pending.size });
    return queue;
  }

  get size(): number {
    return this.pending.size;
  }

  /** The pending events, oldest first. */
  peek(): QueuedEvent[] {
    return [...this.pending.values()];
  }

  has(eventId: string): boolean {
    return this.pending.has(eventId);
  }

  append(event: QueuedEvent): Promise<void> {
    return this.serial(async () => {
      await this.writeLine({ op: "add", event });
      this.pending.set(event.event_id, event);
      this.onChange();
    });
  }

  /** The server recorded the event (status is its HTTP status). */
  ack(eventId: string, status: number): Promise<void> {
    return this.serial(async () => {
      if (!this.pending.has(eventId)) return;
      await this.writeLine({ op: "ack", event_id: eventId, status, at: new Date().toISOString() });
      this.pending.delete(eventId);
      this.onChange();
      await this.compactIfWorthIt();
    });
  }

  /** The server refused the event for good: keep it for a person, take it off the queue. */
  reject(eventId: string, status: number, error: string): Promise<void> {
    const event = this.pending.get(eventId);
    return this.serial(async () => {
      if (!event) return;
      const handle = await open(this.rejectedFile, "a", 0o600);
      try {
        await handle.write(JSON.stringify({ event, status, error, at: new Date().toISOString() }) + "\n");
        await handle.sync();
      } finally {
        await handle.close();
      }
    }).then(() => this.ack(eventId, status));
  }

  close(): Promise<void> {
    return this.serial(() => this.handle.close());
  }

  private async writeLine(line: Line) {
    await this.handle.write(JSON.stringify(line) + "\n");
    await this.handle.datasync();
    this.lines++;
  }

  private async compactIfWorthIt() {
    if (this.pending.size === 0) {
      // Nothing pending: an empty file says the same as the whole log, and appends restart at 0.
      await this.handle.truncate(0);
      await this.handle.sync();
      this.lines = 0;
    } else if (this.lines > COMPACT_AFTER_LINES && this.pending.size * 2 < this.lines) {
      await this.handle.close();
      const text = [...this.pending.values()]
        .map((event) => JSON.stringify({ op: "add", event } satisfies Line) + "\n")
        .join("");
      await writeFileAtomic(this.file, text);
      this.handle = await open(this.file, "a", 0o600);
      this.lines = this.pending.size;
      this.log.debug("event queue compacted", { pending: this.pending.size });
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(() => fn());
    this.chain = next.catch(() => {});
    return next;
  }
}
