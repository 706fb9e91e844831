/** A process-local cache of loads (queries) by key: see `reuse`. */
export type Memo<T> = Map<string, Entry<T>>;
type Entry<T> = { until: number; value: Promise<T>; loaded: boolean; refreshing: boolean };

type ReuseOptions<T> = {
  ttlMs: number;
  max: number;
  /** Past `ttlMs`, for this much longer, answer the loaded value while one load replaces it. */
  staleMs?: number;
  fresh?: boolean;
  keep?: (value: T) => boolean;
};

/**
 * Shares one load among the callers of a key until it is `ttlMs` old, so concurrent and repeated
 * callers cost one query. With `staleMs`, a value up to `ttlMs + staleMs` old is still answered
 * while a single load in the background replaces it: a key asked often never makes a caller wait
 * for its query, and no answer is older than before. A failure, or a value `keep` refuses, is not
 * kept: the next caller loads again. `fresh` loads again now; past `max` keys the cache starts over.
 */
export function reuse<T>(memo: Memo<T>, key: string, opts: ReuseOptions<T>, load: () => Promise<T>): Promise<T> {
  const hit = memo.get(key);
  const now = Date.now();
  if (hit && !opts.fresh) {
    if (hit.until > now) return hit.value;
    if (hit.loaded && hit.until + (opts.staleMs ?? 0) > now) {
      if (!hit.refreshing) {
        hit.refreshing = true;
        // Until the new value is in, this one stands; a failed (or refused) refresh lets the next caller try again.
        const next = loadEntry(opts, load);
        const settle = () => {
          if (memo.get(key) !== hit) return; // forgotten meanwhile
          if (next.loaded) memo.set(key, next);
          else hit.refreshing = false;
        };
        next.value.then(settle, settle);
      }
      return hit.value;
    }
  }
  if (memo.size >= opts.max) memo.clear();
  const entry = loadEntry(opts, load);
  memo.set(key, entry);
  const drop = () => memo.get(key) === entry && memo.delete(key);
  // (Runs after loadEntry's own handler, registered first, has set `loaded`.)
  entry.value.then(() => entry.loaded || drop(), drop);
  return entry.value;
}

/** A load under way; `loaded` once it has a value `keep` accepts. */
function loadEntry<T>(opts: ReuseOptions<T>, load: () => Promise<T>): Entry<T> {
  const entry: Entry<T> = { until: Date.now() + opts.ttlMs, value: load(), loaded: false, refreshing: false };
  entry.value.then(
    (v) => (entry.loaded = !opts.keep || opts.keep(v)),
    () => {},
  );
  return entry;
}
