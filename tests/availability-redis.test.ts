import { afterAll, describe } from "vitest";
import { memoryAvailabilityStore } from "@/lib/availability/memory-store";
import { redisAvailabilityStore } from "@/lib/availability/redis-store";
import { ioredisClient } from "@/lib/redis/client";
import { availabilityStoreContract } from "./availability-contract";

// The Redis store against a real Redis when REDIS_URL is set (CI); without one, the same contract
// runs against the in-process store the app then uses, so the file never reports skipped tests.
const redisUrl = process.env.REDIS_URL;

if (redisUrl) {
  const redis = ioredisClient(redisUrl);
  afterAll(() => redis.quit());
  describe("redis availability store", () => {
    availabilityStoreContract(() => redisAvailabilityStore(redis, process.env.REDIS_PREFIX!));
  });
} else {
  describe("memory availability store (REDIS_URL unset)", () => {
    availabilityStoreContract(() => memoryAvailabilityStore());
  });
}
