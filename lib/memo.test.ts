import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { reuse, type Memo } from "./memo";

/** A load whose answers the test releases one by one. */
function loads() {
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  const load = vi.fn(() => new Promise<number>((resolve, reject) => pending.push({ resolve, reject })));
  return { load, pending };
}
const flush = () => new Promise((r) => setImmediate(r));

describe("reuse", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["Date"], now: 0 }));
  afterEach(() => vi.useRealTimers());
  const opts = { ttlMs: 750, staleMs: 250, max: 10 };

  it("shares one load until ttl, then answers the old value while one load replaces it", async () => {
    const memo: Memo<number> = new Map();
    const { load, pending } = loads();
    const first = reuse(memo, "k", opts, load);
    expect(reuse(memo, "k", opts, load)).toBe(first);
    pending[0]!.resolve(1);
    expect(await first).toBe(1);

    vi.setSystemTime(800); // stale: answered at once, refreshed once
    expect(await reuse(memo, "k", opts, load)).toBe(1);
    expect(await reuse(memo, "k", opts, load)).toBe(1);
    expect(load).toHaveBeenCalledTimes(2);
    pending[1]!.resolve(2);
    await flush();
    expect(await reuse(memo, "k", opts, load)).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("waits for a new load once the value is older than ttl + stale, and keeps the old one over a failed refresh", async () => {
    const memo: Memo<number> = new Map();
    const { load, pending } = loads();
    const first = reuse(memo, "k", opts, load);
    pending[0]!.resolve(1);
    await first;

    vi.setSystemTime(900);
    expect(await reuse(memo, "k", opts, load)).toBe(1);
    pending[1]!.reject(new Error("database down"));
    await flush();
    expect(await reuse(memo, "k", opts, load)).toBe(1); // the next caller tries again
    expect(load).toHaveBeenCalledTimes(3);

    vi.setSystemTime(1_001); // past ttl + stale: nobody is told a value that old
    const late = reuse(memo, "k", opts, load);
    pending[3]!.resolve(3);
    expect(await late).toBe(3);
  });

  it("never answers a stale value without staleMs", async () => {
    const memo: Memo<number> = new Map();
    const { load, pending } = loads();
    const first = reuse(memo, "k", { ttlMs: 750, max: 10 }, load);
    pending[0]!.resolve(1);
    await first;
    vi.setSystemTime(751);
    const second = reuse(memo, "k", { ttlMs: 750, max: 10 }, load);
    pending[1]!.resolve(2);
    expect(await second).toBe(2);
  });
});
