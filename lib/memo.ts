/** A process-local cache of loads (queries) by key: see `reuse`. */
export type Memo<T> = Map<string, { until: number; value: Promise<T> }>;

/**
 * Shares one load among the callers of a key until it is `ttlMs` old, so concurrent and repeated
 * callers cost one query. A failure, or a value `keep` refuses, is not kept: the next caller loads
 * again. `fresh` loads again now; past `max` keys the cache starts over.
 */
export function reuse<T>(
  memo: Memo<T>,
  key: string,
  opts: { ttlMs: number; max: number; fresh?: boolean; keep?: (value: T) => boolean },
  load: () => Promise<T>,
): Promise<T> {
  const hit = memo.get(key);
  if (hit && !opts.fresh && hit.until > Date.now()) return hit.value;
  if (memo.size >= opts.max) memo.clear();
  const value = load();
  const entry = { until: Date.now() + opts.ttlMs, value };
  memo.set(key, entry);
  const drop = () => memo.get(key) === entry && memo.delete(key);
  value.then((v) => opts.keep && !opts.keep(v) && drop(), drop);
  return value;
}
