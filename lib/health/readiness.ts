import { getDb } from "@/db/client";
import { ping } from "@/db/queries/health";
import { paymentsStatus } from "@/lib/payments/health";
import { getRedis } from "@/lib/redis";

export type Check = "up" | "down" | "not_configured";

/** A dependency that does not answer within this long counts as down: a probe must answer fast. */
const PROBE_TIMEOUT_MS = 1500;

function within<T>(p: Promise<T>, ms = PROBE_TIMEOUT_MS): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timed out")), ms).unref())]);
}

let probing: Promise<Check> | undefined;

/**
 * Whether PostgreSQL answers now: connects first if this process has not yet (a server started
 * while it was down connects here, on the first probe after it returns — migrating and seeding as
 * at start-up). One probe at a time, shared by concurrent callers, so a burst of health checks
 * during an outage opens one connection attempt, not one each.
 */
export function database(): Promise<Check> {
  probing ??= (async (): Promise<Check> => {
    try {
      const db = await within(getDb());
      await within(ping(db));
      return "up";
    } catch {
      return "down";
    } finally {
      probing = undefined;
    }
  })();
  return probing;
}

async function redis(): Promise<Check> {
  const r = getRedis();
  if (!r) return "not_configured"; // in-process stores stand in: not a fault
  try {
    await within(r.get("health:probe"));
    return "up";
  } catch {
    return "down";
  }
}

/**
 * GET /ready: may this instance take traffic? Only PostgreSQL is required — Redis is an accelerator
 * with a PostgreSQL fallback and a payments outage answers its own 503s — but every dependency is
 * reported so an operator sees which one is down.
 */
export async function readiness() {
  const [db, kv] = await Promise.all([database(), redis()]);
  const payments: Check = paymentsStatus();
  const checks = { database: db, redis: kv, payments };
  const ready = db === "up";
  const degraded = kv === "down" || payments === "down";
  return { ready, body: { status: ready ? (degraded ? "degraded" : "ok") : "unavailable", checks } };
}
