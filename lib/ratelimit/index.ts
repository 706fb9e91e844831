import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { getRedis } from "@/lib/redis";
import { policy, rateLimitsEnabled, type PolicyName } from "./config";
import {
  decisionOf,
  memoryCounterStore,
  redisCounterStore,
  slidingWindow,
  windowAt,
  windowKeys,
  type CounterStore,
  type Decision,
} from "./sliding-window";

export { clientIp } from "./client-ip";

type Stores = { redis: unknown; shared: CounterStore | null; memory: CounterStore; redisDownUntil: number };
const g = globalThis as unknown as { __spotkeeperRateStore?: Stores };

/** After Redis fails, the limiter asks it again this long later; in between it does not wait on it. */
export const REDIS_RETRY_MS = 5_000;

function stores(): Stores {
  const redis = getRedis();
  // Re-made when the Redis client is (tests close and reopen it between files).
  if (g.__spotkeeperRateStore?.redis !== redis || !g.__spotkeeperRateStore) {
    g.__spotkeeperRateStore = {
      redis,
      shared: redis ? redisCounterStore(redis, env().REDIS_PREFIX) : null,
      memory: g.__spotkeeperRateStore?.memory ?? memoryCounterStore(),
      redisDownUntil: 0,
    };
  }
  return g.__spotkeeperRateStore;
}

export type LimitResult = Decision & { policy: PolicyName; windowSeconds: number };

/**
 * Counts one request against a policy for a subject (an IP, a user, a gate), in Redis so that every
 * process shares the count, or in this process's memory without Redis. When Redis fails mid-run the
 * limits stay on: this process counts in its own memory (each process then allows up to the limit
 * on its own) and asks Redis again every REDIS_RETRY_MS, going back to the shared count as soon as
 * it answers. Neither letting every request through (a Redis outage would switch abuse protection
 * off) nor refusing them all (a Redis outage would be an API outage) is what an operator wants.
 */
export async function hitLimit(name: PolicyName, subject: string, count = true): Promise<LimitResult | null> {
  if (!rateLimitsEnabled()) return null;
  const p = policy(name);
  const s = stores();
  const decide = async (store: CounterStore) => {
    const d = await slidingWindow(store, `${name}:${subject}`, p.limit, p.windowSeconds, Date.now(), count);
    return { ...d, policy: name, windowSeconds: p.windowSeconds };
  };
  if (s.shared && Date.now() >= s.redisDownUntil) {
    try {
      const d = await decide(s.shared);
      if (s.redisDownUntil) console.warn("[spotkeeper] rate limiter: Redis is back, limits are shared again");
      s.redisDownUntil = 0;
      return d;
    } catch (err) {
      if (!s.redisDownUntil)
        console.warn(
          "[spotkeeper] rate limiter: Redis unavailable, limiting in this process's memory:",
          (err as Error).message,
        );
      s.redisDownUntil = Date.now() + REDIS_RETRY_MS;
    }
  }
  return decide(s.memory);
}

/**
 * A request's limit that the handler counts itself, inside the Redis script it runs anyway (the
 * gate read: lib/gates/kv.ts), so the limit costs no round trip of its own. The handler either
 * counts it in its script (`foldLimit`, then `settle` with the counts) or, on a path without that
 * script, with `enforceTicket`; a ticket left uncounted is counted by defineRoute after the handler.
 * Either way a refused request answers 429 with the same headers as any other limit.
 */
export type LimitTicket = { policy: PolicyName; subject: string; result: LimitResult | null; counted: boolean };

export const limitTicket = (name: PolicyName, subject: string): LimitTicket => ({
  policy: name,
  subject,
  result: null,
  counted: false,
});

/** Keys and arguments for the script's counter step (slidingWindowLua), or null when limits are off or there is no Redis. */
export function foldLimit(ticket: LimitTicket, now = Date.now()) {
  if (ticket.counted || !rateLimitsEnabled() || !getRedis()) return null;
  const p = policy(ticket.policy);
  const w = windowAt(p.windowSeconds, now);
  return {
    keys: windowKeys(env().REDIS_PREFIX, `${ticket.policy}:${ticket.subject}`, w.windowIndex),
    args: [p.limit, w.weight, w.windowMs * 2] as [number, number, number],
    /** The script's counts → the decision; throws the 429 when refused. */
    settle(counts: { allowed: boolean; current: number; previous: number }) {
      const result: LimitResult = {
        ...decisionOf(w, p.limit, counts),
        policy: ticket.policy,
        windowSeconds: p.windowSeconds,
      };
      ticket.counted = true;
      ticket.result = result;
      if (!result.allowed) throw new RateLimitedError(result);
    },
  };
}

/** Counts a ticket on its own (one round trip), unless counted already; throws the 429 when refused. */
export async function enforceTicket(ticket: LimitTicket) {
  if (ticket.counted) return;
  ticket.counted = true;
  ticket.result = await enforceLimits([[ticket.policy, ticket.subject]]);
}

/** The IETF draft's headers (draft-ietf-httpapi-ratelimit-headers): the policy and what is left of it. */
export function rateLimitHeaders(r: LimitResult): Record<string, string> {
  return {
    "RateLimit-Policy": `"${r.policy}";q=${r.limit};w=${r.windowSeconds}`,
    RateLimit: `"${r.policy}";r=${r.remaining};t=${r.resetSeconds}`,
  };
}

/**
 * Applies several policies; throws 429 for the first one (in the given order) that is exhausted.
 * Returns the tightest. They are asked all at once — one round trip's wait, not one per policy —
 * so a request refused by one policy still counts against the others.
 */
export async function enforceLimits(
  checks: [PolicyName, string | null | undefined][],
  opts: { count?: boolean } = {},
): Promise<LimitResult | null> {
  let tightest: LimitResult | null = null;
  const asked = checks.filter((c): c is [PolicyName, string] => Boolean(c[1]));
  const results = await Promise.all(asked.map(([name, subject]) => hitLimit(name, subject, opts.count ?? true)));
  for (const r of results) {
    if (!r) continue;
    if (!r.allowed) throw new RateLimitedError(r);
    if (!tightest || r.remaining / r.limit < tightest.remaining / tightest.limit) tightest = r;
  }
  return tightest;
}

export class RateLimitedError extends ApiError {
  readonly result: LimitResult;
  constructor(result: LimitResult) {
    super("rate_limited", `Too many requests: try again in ${result.resetSeconds} s`, {
      policy: result.policy,
      retry_after: result.resetSeconds,
    });
    this.result = result;
  }
  headers(): Record<string, string> {
    return { "Retry-After": String(this.result.resetSeconds), ...rateLimitHeaders(this.result) };
  }
}

/** Adds the rate-limit headers to a response (an error response gets them too). */
export function withLimitHeaders(res: Response, err: unknown, ok: LimitResult | null): Response {
  const headers = err instanceof RateLimitedError ? err.headers() : ok ? rateLimitHeaders(ok) : null;
  if (!headers) return res;
  try {
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  } catch {
    // Immutable headers (a Response.redirect): copy.
    const copy = new Response(res.body, res);
    for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
    return copy;
  }
}
