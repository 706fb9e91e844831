import { describe, expect, it } from "vitest";
import { memoryGateKv, redisGateKv, KvUnavailableError } from "./kv";
import type { RedisLike } from "@/lib/redis/client";

describe("memory gate store", () => {
  it("claims a key once until it expires", async () => {
    let now = 0;
    const kv = memoryGateKv(() => now);
    expect(await kv.claim("k", "first", 5)).toBeNull();
    expect(await kv.claim("k", "second", 5)).toBe("first");
    now = 5_000;
    expect(await kv.get("k")).toBeNull();
    expect(await kv.claim("k", "third", 5)).toBeNull();
  });
});

describe("redis gate store", () => {
  const hanging: RedisLike = {
    eval: () => new Promise(() => {}),
    get: () => new Promise(() => {}),
    set: () => new Promise(() => {}),
    del: () => new Promise(() => {}),
    quit: async () => {},
  };

  it("gives up on a Redis that does not answer, then skips it while cooling down", async () => {
    const calls: string[] = [];
    const kv = redisGateKv(
      { ...hanging, get: (k) => (calls.push(k), new Promise(() => {})) },
      { timeoutMs: 20, cooldownMs: 60_000 },
    );
    await expect(kv.get("a")).rejects.toBeInstanceOf(KvUnavailableError);
    await expect(kv.get("b")).rejects.toBeInstanceOf(KvUnavailableError);
    expect(calls).toEqual(["a"]);
  });
});
