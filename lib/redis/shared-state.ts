import { env } from "@/lib/env";
import { getRedis, peekRedis } from ".";

/**
 * A small value every app process must agree on (a gate-secret rotation, "payments are down"),
 * kept in Redis and polled in the background, so reading it costs no round trip on a request's
 * path. A change made in one process is seen by every process within POLL_MS (plus one poll's
 * round trip). Without Redis there is one process to agree with, and the value is local.
 */
export const SHARED_STATE_POLL_MS = 1_000;

type Watch = { value: string | null; timer: NodeJS.Timeout; listeners: ((v: string | null) => void)[] };
const watches = new Map<string, Watch>();

const fullKey = (name: string) => `${env().REDIS_PREFIX}shared:${name}`;

/** Calls `onChange` whenever the shared value changes (polled); returns the last value seen. */
export function watchShared(name: string, onChange: (value: string | null) => void): () => string | null {
  let w = watches.get(name);
  if (!w) {
    const watch: Watch = { value: null, listeners: [], timer: undefined as unknown as NodeJS.Timeout };
    getRedis();
    const poll = async () => {
      // Only a client that is open: a poll must not reopen one closed at shutdown.
      const redis = peekRedis();
      if (!redis) return;
      try {
        const v = await redis.get(fullKey(name));
        if (v !== watch.value) {
          watch.value = v;
          for (const l of watch.listeners) l(v);
        }
      } catch {
        // Redis unreachable: keep the last value; each process falls back on its own judgement.
      }
    };
    watch.timer = setInterval(poll, SHARED_STATE_POLL_MS).unref();
    void poll();
    watches.set(name, watch);
    w = watch;
  }
  w.listeners.push(onChange);
  const watch = w;
  return () => watch.value;
}

/** Sets (or with null, deletes) the shared value; other processes see it at their next poll. */
export async function setShared(name: string, value: string | null, ttlSeconds?: number) {
  const redis = getRedis();
  if (!redis) return;
  if (value === null) await redis.del(fullKey(name));
  else await redis.set(fullKey(name), value, ttlSeconds);
  const w = watches.get(name);
  if (w && w.value !== value) {
    w.value = value;
    for (const l of w.listeners) l(value);
  }
}
