import { after } from "next/server";

// Work a gate answer does not wait for: recording the event, the lifecycle transition, the
// workflow event. Inside a Next.js request it runs through after() (kept alive past the response
// on serverless hosts); elsewhere (tests, the bench) it simply runs on its own.

const g = globalThis as unknown as { __spotkeeperGateTasks?: Set<Promise<void>> };
const inflight = (g.__spotkeeperGateTasks ??= new Set());

// A PostgreSQL blip must not lose an entry (the car would later count as a no-show): retry a few times.
const RETRY_DELAYS_MS = [250, 1_000, 4_000];

async function withRetries(what: string, task: () => Promise<void>) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task();
    } catch (err) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        console.error(`[spotkeeper] gate ${what} failed ${attempt + 1} times; giving up:`, (err as Error).message);
        return;
      }
      console.warn(`[spotkeeper] gate ${what} failed; retrying in ${delay} ms:`, (err as Error).message);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

let held = false;
/**
 * From now on, work after an answer is queued but never started: this process plays one that dies
 * right after answering (tests/multi-process.test.ts kills it then). What must survive it is only
 * what the answer itself made durable.
 */
export function holdGateTasks() {
  held = true;
}

export function afterAnswer(what: string, task: () => Promise<void>) {
  if (held) return;
  let start!: () => void;
  const p: Promise<void> = new Promise<void>((resolve) => (start = resolve))
    .then(() => withRetries(what, task))
    .finally(() => inflight.delete(p));
  inflight.add(p);
  try {
    after(() => {
      start();
      return p;
    });
  } catch {
    // Outside a request scope (after() throws there): start on the next turn of the event loop,
    // so the answer is on its way before this work competes with it, as after() would have it.
    setImmediate(start);
  }
}

/** Resolves once every gate task started in this process (and those they started) has finished. */
export async function gateTasksIdle() {
  while (inflight.size) await Promise.allSettled([...inflight]);
}

export const gateTasksPending = () => inflight.size;
