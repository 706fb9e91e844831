import type { RedisLike } from "@/lib/redis/client";
import { slidingWindowLua } from "@/lib/ratelimit/sliding-window";

/** The keys one read at the barrier touches (see GATE_READ). */
export type ReadKeys = {
  /** the bridge's event id's key, if it sent one */
  event: string | null;
  /** this car at this gate in the last few seconds */
  recent: string;
  /** the pass key to read (plate or reservation), or null when the read names nobody */
  pass: string | null;
  /** the lot's "passes loaded" marker: absent = ask for a reconciliation of the lot */
  lotLoaded: string;
  /** every plate with a reservation ending in the last day or later, and its completeness marker */
  knownPlates: string;
  knownComplete: string;
  /** the durable log of answered reads, drained to gate_events */
  log: string;
};

/** The gate's rate limit, counted in the same script (lib/ratelimit: foldLimit). */
export type ReadLimit = { keys: [string, string]; args: [number, number, number] };
/** What the limit's counter said (absent when the read counted no limit). */
export type LimitCounts = { allowed: boolean; current: number; previous: number };

export type ReadOutcome =
  /** an earlier read of the same car or event id: its record answers this one */
  (
    | { kind: "duplicate"; record: string }
    /** this read is the event: its record (with what the store knew) was claimed and logged */
    | { kind: "new"; record: string; logId: string | null; lotLoaded: boolean }
    /** the store cannot answer for this car: ask PostgreSQL, then call again with `found` */
    | { kind: "miss"; lotLoaded: boolean }
    /** the gate's rate limit is spent: nothing was read or claimed */
    | { kind: "limited" }
  ) & { limit?: LimitCounts };

/**
 * The little key-value surface the gates need: gate passes (plate → reservation), recent reads
 * (duplicate suppression), answers by event id, and the log of answered reads. A read at the
 * barrier is one call (`read`): on Redis one Lua script, so one round trip. The keys of one read
 * are not in one hash slot; on Redis Cluster give the gate keys one hash tag per region (a region's
 * gate traffic is a few hundred reads a second, far below one shard's capacity).
 */
export interface GateKv {
  /**
   * One read: an earlier answer by event id or by this car at this gate; else the pass (or, with
   * `found`, what PostgreSQL said) — and then, in the same step, the read is claimed under both
   * dedupe keys and appended to the log. `read` is the read's JSON; the record is
   * `{"read": read, "found": passes}`.
   */
  read(
    keys: ReadKeys,
    read: string,
    opts: { plate: string | null; found?: string; duplicateTtl: number; eventTtl: number; limit?: ReadLimit },
  ): Promise<ReadOutcome>;
  get(key: string): Promise<string | null>;
  /** Stores `value` unless the key exists; returns null when stored, else the value already there. */
  claim(key: string, value: string, ttlSeconds: number): Promise<string | null>;
  put(key: string, value: string, ttlSeconds: number): Promise<void>;
  remove(...keys: string[]): Promise<void>;
  /** Many keys in one round trip (null where absent). */
  getMany(keys: string[]): Promise<(string | null)[]>;
  /**
   * Many keys written (value) or deleted (null) and plates added to the known-plates set, in one
   * round trip, atomically on Redis.
   */
  writeMany(
    writes: { key: string; value: string | null; ttlSeconds: number }[],
    known: { set: string; plates: string[] },
  ): Promise<void>;
}

export class KvUnavailableError extends Error {}

// KEYS: event recent pass lotLoaded knownPlates knownComplete log limitCurrent limitPrevious
// ARGV: hasEvent hasPass duplicateTtl eventTtl read plate found hasLimit limit weight limitTtl
// Returns {kind, record, logId, lotLoaded, limitAllowed, limitCurrent, limitPrevious}.
const GATE_READ = `
local rl_ok, rl_cur, rl_prev = 1, -1, -1
if ARGV[8] == '1' then
${slidingWindowLua({ cur: "KEYS[8]", prev: "KEYS[9]", limit: "ARGV[9]", weight: "ARGV[10]", ttl: "ARGV[11]", count: "true" })}
  if rl_ok == 0 then return {'limited', '', '', 0, rl_ok, rl_cur, rl_prev} end
end
if ARGV[1] == '1' then
  local e = redis.call('GET', KEYS[1])
  if e then return {'duplicate', e, '', 0, rl_ok, rl_cur, rl_prev} end
end
local r = redis.call('GET', KEYS[2])
if r then
  if ARGV[1] == '1' then redis.call('SET', KEYS[1], r, 'EX', ARGV[4]) end
  return {'duplicate', r, '', 0, rl_ok, rl_cur, rl_prev}
end
local loaded = redis.call('EXISTS', KEYS[4])
local found = ARGV[7]
if found == '' then
  if ARGV[2] == '0' then
    found = '{"passes":[]}'
  else
    found = redis.call('GET', KEYS[3])
    if not found then
      if ARGV[6] ~= '' and redis.call('EXISTS', KEYS[6]) == 1 and redis.call('SISMEMBER', KEYS[5], ARGV[6]) == 0 then
        found = '{"passes":[]}'
      else
        return {'miss', '', '', loaded, rl_ok, rl_cur, rl_prev}
      end
    end
  end
end
local record = '{"read":' .. ARGV[5] .. ',"found":' .. found .. '}'
redis.call('SET', KEYS[2], record, 'EX', ARGV[3])
if ARGV[1] == '1' then redis.call('SET', KEYS[1], record, 'EX', ARGV[4]) end
local id = redis.call('XADD', KEYS[7], 'MAXLEN', '~', 1000000, '*', 'r', record)
return {'new', record, id, loaded, rl_ok, rl_cur, rl_prev}`;

const MGET = `return redis.call('MGET', unpack(KEYS))`;

// KEYS: knownPlates, then the keys to write; ARGV: value ('' = delete) and ttl per key, then the plates.
const WRITE_MANY = `
local n = #KEYS - 1
for i = 1, n do
  if ARGV[2 * i - 1] == '' then redis.call('DEL', KEYS[i + 1])
  else redis.call('SET', KEYS[i + 1], ARGV[2 * i - 1], 'EX', ARGV[2 * i]) end
end
for j = 2 * n + 1, #ARGV, 1000 do redis.call('SADD', KEYS[1], unpack(ARGV, j, math.min(j + 999, #ARGV))) end
return n`;

const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])`;

/**
 * A car waits at the barrier while we talk to Redis: a command that does not answer within
 * `timeoutMs` counts as Redis being down, and for `cooldownMs` after a failure no command is tried
 * at all, so an outage costs one timeout, not one per read, before PostgreSQL answers instead.
 */
export function redisGateKv(redis: RedisLike, opts: { timeoutMs?: number; cooldownMs?: number } = {}): GateKv {
  const timeoutMs = opts.timeoutMs ?? 150;
  const cooldownMs = opts.cooldownMs ?? 1000;
  let downUntil = 0;
  async function guarded<T>(op: () => Promise<T>): Promise<T> {
    if (Date.now() < downUntil) throw new KvUnavailableError("Redis is cooling down after a failure");
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        op(),
        new Promise<never>((_, reject) => {
          // Refused only after the I/O already waiting has been read (setImmediate runs after the
          // poll phase): a busy event loop that is late to read Redis' answer is not Redis being
          // down — tripping then would send every read to PostgreSQL just when the process is busiest.
          timer = setTimeout(
            () => setImmediate(() => reject(new KvUnavailableError(`Redis did not answer within ${timeoutMs} ms`))),
            timeoutMs,
          );
        }),
      ]);
    } catch (err) {
      downUntil = Date.now() + cooldownMs;
      throw err instanceof KvUnavailableError ? err : new KvUnavailableError((err as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    read: (k, read, o) =>
      guarded(async () => {
        const keys = [
          k.event ?? k.recent,
          k.recent,
          k.pass ?? k.recent,
          k.lotLoaded,
          k.knownPlates,
          k.knownComplete,
          k.log,
          ...(o.limit?.keys ?? [k.recent, k.recent]),
        ];
        const args = [
          k.event ? "1" : "0",
          k.pass ? "1" : "0",
          o.duplicateTtl,
          o.eventTtl,
          read,
          o.plate ?? "",
          o.found ?? "",
          o.limit ? "1" : "0",
          ...(o.limit?.args ?? [0, 0, 0]),
        ];
        const out = (await redis.eval(GATE_READ, keys, args)) as [
          string,
          string,
          string,
          number,
          number,
          number,
          number,
        ];
        const limit =
          Number(out[5]) >= 0
            ? { allowed: Number(out[4]) === 1, current: Number(out[5]), previous: Number(out[6]) }
            : undefined;
        if (out[0] === "limited") return { kind: "limited", limit };
        if (out[0] === "duplicate") return { kind: "duplicate", record: String(out[1]), limit };
        if (out[0] === "miss") return { kind: "miss", lotLoaded: Number(out[3]) === 1, limit };
        return { kind: "new", record: String(out[1]), logId: out[2] || null, lotLoaded: Number(out[3]) === 1, limit };
      }),
    get: (key) => guarded(() => redis.get(key)),
    claim: (key, value, ttl) =>
      guarded(async () => ((await redis.eval(CLAIM, [key], [value, ttl])) as string | null) ?? null),
    put: (key, value, ttl) => guarded(() => redis.set(key, value, ttl)),
    remove: (...keys) => guarded(() => redis.del(...keys)),
    getMany: (keys) =>
      keys.length ? guarded(async () => (await redis.eval(MGET, keys, [])) as (string | null)[]) : Promise.resolve([]),
    writeMany: (writes, known) =>
      guarded(async () => {
        if (!writes.length && !known.plates.length) return;
        const args = [...writes.flatMap((w) => [w.value ?? "", w.ttlSeconds]), ...known.plates];
        await redis.eval(WRITE_MANY, [known.set, ...writes.map((w) => w.key)], args);
      }),
  };
}

/** The same in process memory: the store when no Redis is configured, and the stand-in while it is down. */
export function memoryGateKv(now: () => number = Date.now): GateKv {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const e = entries.get(key);
    if (e && e.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  // Expired entries are dropped when read; this sweep bounds what is never read again.
  const sweep = () => {
    if (entries.size < 10_000) return;
    for (const [k, e] of entries) if (e.expiresAt <= now()) entries.delete(k);
  };
  return {
    // The same steps as GATE_READ. No log here: a process without Redis records its reads itself,
    // and with no shared store a miss is never authoritative.
    async read(k, read, o) {
      if (k.event) {
        const e = live(k.event);
        if (e) return { kind: "duplicate", record: e.value };
      }
      const r = live(k.recent);
      if (r) {
        if (k.event) entries.set(k.event, { value: r.value, expiresAt: now() + o.eventTtl * 1000 });
        return { kind: "duplicate", record: r.value };
      }
      let found = o.found;
      if (found === undefined) {
        if (!k.pass) found = '{"passes":[]}';
        else {
          const p = live(k.pass);
          if (!p) return { kind: "miss", lotLoaded: true };
          found = p.value;
        }
      }
      sweep();
      const record = `{"read":${read},"found":${found}}`;
      entries.set(k.recent, { value: record, expiresAt: now() + o.duplicateTtl * 1000 });
      if (k.event) entries.set(k.event, { value: record, expiresAt: now() + o.eventTtl * 1000 });
      return { kind: "new", record, logId: null, lotLoaded: true };
    },
    async get(key) {
      return live(key)?.value ?? null;
    },
    async claim(key, value, ttl) {
      const existing = live(key);
      if (existing) return existing.value;
      sweep();
      entries.set(key, { value, expiresAt: now() + ttl * 1000 });
      return null;
    },
    async put(key, value, ttl) {
      sweep();
      entries.set(key, { value, expiresAt: now() + ttl * 1000 });
    },
    async remove(...keys) {
      for (const k of keys) entries.delete(k);
    },
    async getMany(keys) {
      return keys.map((k) => live(k)?.value ?? null);
    },
    // No known-plates set in memory: a miss here is never authoritative.
    async writeMany(writes) {
      sweep();
      for (const w of writes) {
        if (w.value === null) entries.delete(w.key);
        else entries.set(w.key, { value: w.value, expiresAt: now() + w.ttlSeconds * 1000 });
      }
    },
  };
}
