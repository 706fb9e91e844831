import { gateStores } from "./store";

/** The same car read again at the same gate within this time is the same event, answered alike. */
export const DUPLICATE_WINDOW_SECONDS = 5;
/** An answer stays findable by the bridge's event id this long, for a replay of a read we answered. */
export const EVENT_ANSWER_TTL_SECONDS = 24 * 3600;

// While Redis is down, this process's memory keeps suppressing duplicates it saw itself.

export async function readAnswer<A>(key: string): Promise<A | null> {
  const { shared, local } = gateStores();
  let value: string | null;
  try {
    value = await shared.get(key);
  } catch {
    value = await local.get(key);
  }
  return value ? (JSON.parse(value) as A) : null;
}

async function claim(key: string, value: string, ttl: number) {
  const { shared, local } = gateStores();
  try {
    return await shared.claim(key, value, ttl);
  } catch {
    return local.claim(key, value, ttl);
  }
}

/**
 * A duplicate read came with an event id of the bridge's own: that id answers alike from now on,
 * should the bridge replay the read later (it may have given up waiting for this answer).
 */
export async function rememberAnswer<A>(eventKey: string | null, answer: A): Promise<A> {
  if (eventKey) await claim(eventKey, JSON.stringify(answer), EVENT_ANSWER_TTL_SECONDS);
  return answer;
}

/**
 * Makes `answer` the answer for this read, unless a concurrent read of the same car (or the same
 * event id) got there first: then that one's answer is returned and this read is not an event.
 */
export async function claimAnswer<A>(recentKey: string, eventKey: string | null, answer: A): Promise<A | null> {
  const json = JSON.stringify(answer);
  const first = await claim(recentKey, json, DUPLICATE_WINDOW_SECONDS);
  if (first) {
    if (eventKey) await claim(eventKey, first, EVENT_ANSWER_TTL_SECONDS);
    return JSON.parse(first) as A;
  }
  if (eventKey) {
    const earlier = await claim(eventKey, json, EVENT_ANSWER_TTL_SECONDS);
    if (earlier) return JSON.parse(earlier) as A;
  }
  return null;
}
