import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "./durable-file.js";
import type { Logger } from "./log.js";

/** Long enough to outlast any outage the cache covers; the server's cache says "inside" by then. */
const REMEMBER_MS = 12 * 3600_000;

/**
 * Reservations this gate let in while offline. The signed cache cannot know of them until the
 * replay reaches the server, so without this a pass (or a plate) would open an entry again and
 * again. Kept on disk beside the queue, so a restart mid-outage does not forget them.
 */
export class OfflineEntries {
  private readonly entries = new Map<string, number>();
  private readonly file: string;

  constructor(
    dir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dir, "offline-entries.json");
  }

  async load(): Promise<void> {
    try {
      const stored = JSON.parse(await readFile(this.file, "utf8")) as Record<string, number>;
      for (const [id, at] of Object.entries(stored)) if (Date.now() - at < REMEMBER_MS) this.entries.set(id, at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT")
        this.log.warn("offline entries unreadable", { error: String(err) });
    }
  }

  has(reservationId: string): boolean {
    const at = this.entries.get(reservationId);
    return at !== undefined && Date.now() - at < REMEMBER_MS;
  }

  async add(reservationId: string): Promise<void> {
    this.entries.set(reservationId, Date.now());
    await this.save();
  }

  /** The server decided about this reservation live: it knows where the car is now. */
  async forget(reservationId: string): Promise<void> {
    if (this.entries.delete(reservationId)) await this.save();
  }

  private save() {
    for (const [id, at] of this.entries) if (Date.now() - at >= REMEMBER_MS) this.entries.delete(id);
    return writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.entries)));
  }
}
