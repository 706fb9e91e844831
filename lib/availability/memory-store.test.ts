import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { availabilityStoreContract } from "@/tests/availability-contract";
import { HOUR_MS } from "./buckets";
import { memoryAvailabilityStore } from "./memory-store";
import { CAPACITY_TTL_SECONDS } from "./store";

describe("memory availability store", () => {
  availabilityStoreContract(() => memoryAvailabilityStore());

  it("forgets its capacity after the TTL, so stale data turns into no verdict", async () => {
    let now = Date.now();
    const store = memoryAvailabilityStore(() => now);
    const lot = randomUUID();
    const start = new Date((Math.floor(now / HOUR_MS) + 24) * HOUR_MS);
    const end = new Date(start.getTime() + HOUR_MS);
    await store.replace(lot, "compact", 1, [{ id: randomUUID(), start, end }]);
    now += CAPACITY_TTL_SECONDS * 1000 - 1;
    expect(await store.certainlyFull(lot, "compact", start, end)).toBe(true);
    now += 1;
    expect(await store.certainlyFull(lot, "compact", start, end)).toBeNull();
  });
});
