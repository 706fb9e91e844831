import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { HOUR_MS } from "@/lib/availability/buckets";
import type { AvailabilityStore, Booking } from "@/lib/availability/store";

/**
 * The rules every availability store must keep (lib/availability/store.ts): it may say "maybe" when
 * the lot is full, never "full" when a spot is free, and "no data" (null) when it holds no capacity.
 * Written once; lib/availability/memory-store.test.ts and tests/availability-redis.test.ts run it
 * against each store. Windows lie in the future: the Redis store drops hours that are over.
 */
export function availabilityStoreContract(makeStore: () => AvailabilityStore) {
  const h = Math.floor(Date.now() / HOUR_MS) + 48;
  const at = (hour: number, minute = 0) => new Date((h + hour) * HOUR_MS + minute * 60_000);
  const booking = (start: Date, end: Date): Booking => ({ id: randomUUID(), start, end });
  const fresh = () => ({ store: makeStore(), lot: randomUUID() });

  it("has no verdict for a lot it holds no capacity for, whatever was booked", async () => {
    const { store, lot } = fresh();
    await store.booked(lot, "compact", booking(at(0), at(3)));
    expect(await store.certainlyFull(lot, "compact", at(1), at(2))).toBeNull();
  });

  it("has no verdict once its capacity is invalidated", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "compact", 1, [booking(at(0), at(2))]);
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBe(true);
    await store.invalidate(lot, "compact");
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBeNull();
  });

  it("reports full when every spot is booked for the whole of an hour the request touches", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "compact", 2, [booking(at(0), at(2)), booking(at(0, 0), at(3))]);
    expect(await store.certainlyFull(lot, "compact", at(1), at(2))).toBe(true);
    expect(await store.certainlyFull(lot, "compact", at(1, 20), at(1, 40))).toBe(true);
    // Touching a full hour for one minute is enough to be refused.
    expect(await store.certainlyFull(lot, "compact", at(-3), at(0, 1))).toBe(true);
  });

  it("is not full for a request that starts when the bookings end (half-open windows)", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "compact", 1, [booking(at(0), at(2))]);
    expect(await store.certainlyFull(lot, "compact", at(2), at(4))).toBe(false);
    expect(await store.certainlyFull(lot, "compact", at(-2), at(0))).toBe(false);
  });

  it("is not full while one spot is still free for the hour", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "compact", 3, [booking(at(0), at(2)), booking(at(0), at(2))]);
    expect(await store.certainlyFull(lot, "compact", at(0), at(2))).toBe(false);
  });

  it("does not count bookings that cover an hour only partly", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "compact", 1, [booking(at(0, 15), at(1, 45))]);
    // PostgreSQL refuses [0:30, 1:30) here; the cache may only say "maybe".
    expect(await store.certainlyFull(lot, "compact", at(0, 30), at(1, 30))).toBe(false);
    expect(await store.certainlyFull(lot, "compact", at(1, 45), at(2))).toBe(false);
  });

  it("does not report staggered bookings that only together fill an hour as full", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "compact", 1, []);
    // One spot, booked 10:00–10:30 and 10:30–11:00: busy all hour, but no booking covers the hour.
    await store.booked(lot, "compact", booking(at(0), at(0, 30)));
    await store.booked(lot, "compact", booking(at(0, 30), at(1)));
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBe(false);
    // Two spots, bookings 0:00–1:30 and 0:30–2:00: each hour is fully covered by only one of them.
    const two = randomUUID();
    await store.replace(two, "compact", 2, [booking(at(0), at(1, 30)), booking(at(0, 30), at(2))]);
    expect(await store.certainlyFull(two, "compact", at(0, 45), at(1, 15))).toBe(false);
  });

  it("counts a booking noted after the capacity was loaded", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "compact", 1, []);
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBe(false);
    await store.booked(lot, "compact", booking(at(0), at(1)));
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBe(true);
  });

  it("counts the same booking once, however often it is noted", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "compact", 2, []);
    const b = booking(at(0), at(1));
    await store.booked(lot, "compact", b);
    await store.booked(lot, "compact", b);
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBe(false);
  });

  it("stops counting a released booking", async () => {
    const { store, lot } = fresh();
    const b = booking(at(0), at(2));
    await store.replace(lot, "compact", 1, [b]);
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBe(true);
    await store.released(lot, "compact", b);
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBe(false);
  });

  it("ignores a booking noted after it was released (a late note cannot resurrect it)", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "compact", 1, []);
    const b = booking(at(0), at(2));
    await store.released(lot, "compact", b);
    await store.booked(lot, "compact", b);
    expect(await store.certainlyFull(lot, "compact", at(0), at(2))).toBe(false);
  });

  it("replaces everything it knew with the rebuilt state", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "compact", 1, []);
    await store.booked(lot, "compact", booking(at(0), at(1)));
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBe(true);
    await store.replace(lot, "compact", 1, []);
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBe(false);
  });

  it("is full for any window when the lot has no spot of the type", async () => {
    const { store, lot } = fresh();
    await store.replace(lot, "ev", 0, []);
    expect(await store.certainlyFull(lot, "ev", at(0, 10), at(0, 20))).toBe(true);
  });

  it("keeps lots and vehicle types apart", async () => {
    const { store, lot } = fresh();
    const other = randomUUID();
    await store.replace(lot, "compact", 1, [booking(at(0), at(1))]);
    await store.replace(lot, "large", 1, []);
    await store.replace(other, "compact", 1, []);
    expect(await store.certainlyFull(lot, "compact", at(0), at(1))).toBe(true);
    expect(await store.certainlyFull(lot, "large", at(0), at(1))).toBe(false);
    expect(await store.certainlyFull(other, "compact", at(0), at(1))).toBe(false);
    expect(await store.certainlyFull(other, "ev", at(0), at(1))).toBeNull();
  });
}
