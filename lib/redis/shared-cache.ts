import { setShared, SHARED_STATE_POLL_MS, watchShared } from "./shared-state";

/** How long after forget() in one process every other process has emptied the same cache. */
export const FORGET_REACHES_ALL_MS = 2 * SHARED_STATE_POLL_MS;

type Entry<V> = { value: V; expiresAt: number };
type State<V> = { entries: Map<string, Entry<V>>; generation: number; watching: boolean };

/**
 * A per-process cache of what PostgreSQL said about a credential (a gate's secret, an API token),
 * which every app process empties when one of them calls forget() after a change (a rotation, a
 * revocation): forget() bumps a shared version (shared-state.ts) that every process polls, so the
 * others follow within FORGET_REACHES_ALL_MS. Without Redis there is one process.
 *
 * A lookup that began before the cache was emptied is answered but not kept (`generation`): it may
 * have read the credential just before the change. Kept on globalThis by name, so that Next.js'
 * module reloading does not make a second one.
 */
export function sharedCache<V>(name: string, opts: { ttlMs: number; max: number }) {
  const g = globalThis as unknown as Record<string, State<V> | undefined>;
  const state = (g[`__spotkeeperSharedCache:${name}`] ??= { entries: new Map(), generation: 0, watching: false });
  const { entries } = state;
  const clear = () => {
    entries.clear();
    state.generation++;
  };
  return {
    get(key: string): V | undefined {
      if (!state.watching) {
        state.watching = true;
        watchShared(name, clear);
      }
      const hit = entries.get(key);
      return hit && hit.expiresAt > Date.now() ? hit.value : undefined;
    },
    /** Looks the key up with `lookup` and keeps a found value, unless the cache was emptied meanwhile. */
    async load(key: string, lookup: () => Promise<V | null>): Promise<V | null> {
      const generation = state.generation;
      const value = await lookup();
      if (value === null) entries.delete(key);
      else if (generation === state.generation) {
        const now = Date.now();
        if (entries.size >= opts.max) for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
        if (entries.size >= opts.max) entries.clear();
        entries.set(key, { value, expiresAt: now + opts.ttlMs });
      }
      return value;
    },
    /** Empties this cache here at once and in every other process within FORGET_REACHES_ALL_MS. */
    forget(what: string) {
      clear();
      setShared(name, `${Date.now()}:${Math.random()}`).catch((err) =>
        console.warn(
          `[spotkeeper] could not tell other processes about ${what}; they see it within the cache time:`,
          (err as Error).message,
        ),
      );
    },
  };
}
