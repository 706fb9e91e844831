import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { getRedis } from "@/lib/redis";
import { policy, rateLimitsEnabled, type PolicyName } from "./config";
import { memoryCounterStore, redisCounterStore, slidingWindow, type CounterStore, type Decision } from "./sliding-window";

export { clientIp } from "./client-ip";

const g = globalThis as unknown as { __spotkeeperRateStore?: { store: CounterStore; redis: unknown } };

function store(): CounterStore {
  const redis = getRedis();
  // Re-made when the Redis client is (tests close and reopen it between files).
  if (g.__spotkeeperRateStore?.redis !== redis || !g.__spotkeeperRateStore) {
    g.__spotkeeperRateStore = { redis, store: redis ? redisCounterStore(redis, env().REDIS_PREFIX) : memoryCounterStore() };
  }
  return g.__spotkeeperRateStore.store;
}

export type LimitResult = Decision & { policy: PolicyName; windowSeconds: number };

/**
 * Counts one request against a policy for a subject (an IP, a user, a gate). When Redis fails the
 * request goes through: limits protect the service, and refusing everyone would be the outage.
 */
export async function hitLimit(name: PolicyName, subject: string, count = true): Promise<LimitResult | null> {
  if (!rateLimitsEnabled()) return null;
  const p = policy(name);
  try {
    const d = await slidingWindow(store(), `${name}:${subject}`, p.limit, p.windowSeconds, Date.now(), count);
    return { ...d, policy: name, windowSeconds: p.windowSeconds };
  } catch (err) {
    if (!getRedis()) throw err;
    console.warn("[spotkeeper] rate limiter unavailable, request allowed:", (err as Error).message);
    return null;
  }
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
export async function enforceLimits(checks: [PolicyName, string | null | undefined][], opts: { count?: boolean } = {}): Promise<LimitResult | null> {
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
    super("rate_limited", `Too many requests: try again in ${result.resetSeconds} s`, { policy: result.policy, retry_after: result.resetSeconds });
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
