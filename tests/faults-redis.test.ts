import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, createTestLot, createUser, expectError, type TestUser } from "./fixtures";
import { ownRedis } from "./support/own-redis";
import { book, bookOk, cancel, paidBooking, paidNet, payOk, statusOf } from "./support/driver-api";
import { useFakeStripe } from "./support/use-fake-stripe";

// Redis stopped and restarted in the middle of a run (a failover, a restart): Redis is an
// accelerator, so bookings and payments stay right while it is gone and after it is back. A
// redis-server of this test's own, on the faults port range, is the one stopped.
const PORT = 6395;
const savedUrl = process.env.REDIS_URL;
process.env.REDIS_URL = `redis://127.0.0.1:${PORT}`; // before anything reads the environment
const stripe = useFakeStripe();

let driver: TestUser;
let other: TestUser;

const { start: startRedis, stop: stopRedis } = ownRedis(PORT);

beforeAll(async () => {
  await startRedis();
  [driver, other] = await Promise.all([createUser("driver"), createUser("driver")]);
});

afterAll(async () => {
  await stopRedis();
  if (savedUrl === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = savedUrl;
});

describe("Redis stopped and restarted mid-run", () => {
  it("never double-books a spot or moves money wrongly while Redis is gone, and works again after it is back", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const before = await paidBooking(driver, lot.id, at(4, 9), at(4, 10));

    await stopRedis();
    // Booking, paying, cancelling and refunding without Redis.
    const during = await bookOk(driver, lot.id, at(4, 11), at(4, 12));
    await expectError(await book(other, lot.id, at(4, 11), at(4, 12)), 409, "no_spot_available");
    await payOk(driver, during);
    expect(await statusOf(driver, during.reservation_id)).toBe("confirmed");
    expect((await cancel(driver, before.reservation_id)).status).toBe(200);
    expect(await paidNet(before.reservation_id)).toBe(0);

    await startRedis();
    // The window freed by the cancellation is bookable (once) again; the one booked without Redis is not.
    const after = await paidBooking(other, lot.id, at(4, 9), at(4, 10));
    await expectError(await book(other, lot.id, at(4, 9), at(4, 10)), 409, "no_spot_available");
    await expectError(await book(other, lot.id, at(4, 11), at(4, 12)), 409, "no_spot_available");
    expect(await paidNet(during.reservation_id)).toBe(during.amount);
    expect(await paidNet(after.reservation_id)).toBe(after.amount);
    // Each booking was charged once, and the cancelled one refunded once.
    for (const r of [before, during, after]) expect(stripe().intentsFor(r.reservation_id)).toHaveLength(1);
    expect(stripe().refundsFor(stripe().intentsFor(before.reservation_id)[0]!.id)).toHaveLength(1);
  });
});

describe("Lua scripts by hash", () => {
  it("sends a script's hash and falls back to its text when the server has forgotten it (restart, SCRIPT FLUSH)", async () => {
    const { ioredisClient } = await import("@/lib/redis/client");
    const IORedis = (await import("ioredis")).default;
    const client = ioredisClient(`redis://127.0.0.1:${PORT}`);
    const admin = new IORedis(`redis://127.0.0.1:${PORT}`);
    try {
      const script = `return {KEYS[1], ARGV[1], "${Math.random()}"}`;
      await admin.script("FLUSH");
      const first = (await client.eval(script, ["k"], ["a"])) as string[]; // NOSCRIPT, then EVAL (which caches it)
      expect(await client.eval(script, ["k"], ["b"])).toEqual([first[0], "b", first[2]]);
      expect(await admin.script("EXISTS", createHash("sha1").update(script).digest("hex"))).toEqual([1]);
      await admin.script("FLUSH");
      expect(await client.eval(script, ["k"], ["c"])).toEqual([first[0], "c", first[2]]);
      // Any other error is the caller's, not retried as text.
      await expect(client.eval("return redis.call('NOSUCHCOMMAND')", [], [])).rejects.toThrow(/unknown|NOSUCHCOMMAND/i);
    } finally {
      await client.quit();
      admin.disconnect();
    }
  });
});
