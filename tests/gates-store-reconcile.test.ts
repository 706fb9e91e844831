import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { reservations } from "@/db/schema";
import { checkInAtGate } from "@/lib/gates/check-in";
import type { GateContext } from "@/lib/gates/gate-auth";
import { rebuildKnownPlates, reconcilePasses } from "@/lib/gates/pass-reconcile";
import { gateKeys, gateStores } from "@/lib/gates/store";
import { getRedis } from "@/lib/redis";
import { testPeople } from "./fixtures";
import { gatedLot, gatesSettled, minutesFromNow, paidPlateBooking, uniquePlate } from "./support/gates";
import { useFakeStripe } from "./support/use-fake-stripe";

// The gates trust Redis: these keep it honest against PostgreSQL (lib/gates/pass-reconcile.ts).
useFakeStripe();

const { driver, operator } = testPeople();
afterAll(gatesSettled);

const redisOnly = process.env.REDIS_URL ? describe : describe.skip;

redisOnly("the gates' store against PostgreSQL", () => {
  it("drops the pass of a reservation cancelled while its key update was lost, at the next reconciliation", async () => {
    const { lot } = await gatedLot(operator);
    const plate = uniquePlate();
    const r = await paidPlateBooking(driver, lot.id, minutesFromNow(5), minutesFromNow(65), plate);
    const { shared } = gateStores();
    const kept = await shared.get(gateKeys.plate(lot.id, plate));
    expect(kept).not.toBeNull();
    // Cancelled behind the store's back (as when the update after commit failed): the key stays.
    const db = await getDb();
    await db.update(reservations).set({ status: "cancelled" }).where(eq(reservations.id, r.reservation_id));
    expect(await shared.get(gateKeys.plate(lot.id, plate))).toBe(kept);

    await reconcilePasses(db);
    expect(await shared.get(gateKeys.plate(lot.id, plate))).toBeNull();
    expect(await shared.get(gateKeys.reservation(r.reservation_id))).toBeNull();
  });

  it("writes back a lot's lost pass keys and marks the lot loaded", async () => {
    const { lot } = await gatedLot(operator);
    const plate = uniquePlate();
    const r = await paidPlateBooking(driver, lot.id, minutesFromNow(5), minutesFromNow(65), plate);
    const redis = getRedis()!;
    await redis.del(gateKeys.plate(lot.id, plate), gateKeys.reservation(r.reservation_id), gateKeys.lotLoaded(lot.id));

    await reconcilePasses(await getDb(), lot.id);
    const { shared } = gateStores();
    expect(JSON.parse((await shared.get(gateKeys.plate(lot.id, plate)))!)).toEqual([
      expect.objectContaining({ reservation_id: r.reservation_id }),
    ]);
    expect(await redis.get(gateKeys.lotLoaded(lot.id))).not.toBeNull();
  });

  it("refuses a plate nobody booked from Redis alone once the known plates are loaded, and still asks PostgreSQL about a known one", async () => {
    const { lot, entry } = await gatedLot(operator);
    const refused = uniquePlate();
    const cancelledPlate = uniquePlate();
    const r = await paidPlateBooking(driver, lot.id, minutesFromNow(5), minutesFromNow(65), cancelledPlate);
    const db = await getDb();
    await db.update(reservations).set({ status: "cancelled" }).where(eq(reservations.id, r.reservation_id));
    await reconcilePasses(db, lot.id);
    await rebuildKnownPlates(db);

    const [gate] = await db.execute<{ id: string; name: string }>(
      sql`select id, name from gate_devices where id = ${entry.gate_id}`,
    );
    const ctx: GateContext = {
      gate: { id: gate!.id, lotId: lot.id, name: gate!.name, direction: "entry" },
      lot: (await findLot(db, lot.id))!,
    };
    let queried = 0;
    const counting = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop === "select" || prop === "execute" || prop === "transaction") queried++;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    }) as Db;
    const read = (identifier: string) =>
      checkInAtGate(counting, ctx, { lot_id: lot.id, gate_id: entry.gate_id, identifier }, performance.now());

    expect(await read(refused)).toMatchObject({ action: "deny", reason: "no_reservation" });
    expect(queried).toBe(0);
    expect(await read(cancelledPlate)).toMatchObject({ action: "deny", reason: "cancelled" });
    expect(queried).toBeGreaterThan(0);
    await gatesSettled();
  });
});
