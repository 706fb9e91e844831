import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { freeSpots } from "@/lib/availability/free-spots";
import { createReservation } from "@/lib/reservations/create-reservation";
import { cancelReservation } from "@/lib/reservations/cancel-reservation";
import { at, createTestLot, testPeople } from "./fixtures";

const { driver } = testPeople();
const compactFree = async (lotId: string, start: Date, end: Date) =>
  (await freeSpots(await getDb(), lotId, start, end)).find((c) => c.vehicleType === "compact")!.free;

// Quotes and availability reuse a window's count for a second (lib/availability/free-spots.ts):
// exact for this process's own bookings, at most that second behind another process's.
describe("free spot counts for quotes and availability", () => {
  it("count this process's bookings and cancellations at once", async () => {
    const lot = await createTestLot({ counts: { compact: 3 } });
    const [start, end] = [at(5, 9), at(5, 11)];
    expect(await compactFree(lot.id, start, end)).toBe(3);
    const db = await getDb();
    const input = {
      lot_id: lot.id,
      vehicle_type: "compact" as const,
      start_time: start.toISOString(),
      end_time: end.toISOString(),
    };
    const r = await createReservation(db, driver, input);
    expect(await compactFree(lot.id, start, end)).toBe(2);
    await cancelReservation(db, driver, r.id);
    expect(await compactFree(lot.id, start, end)).toBe(3);
  });

  it("see another process's booking within a second", async () => {
    const lot = await createTestLot({ counts: { compact: 3 } });
    const [start, end] = [at(5, 13), at(5, 15)];
    expect(await compactFree(lot.id, start, end)).toBe(3);
    // Written as another process would: nothing here hears of it.
    const db = await getDb();
    await db.execute(sql`
      insert into reservations (user_id, lot_id, spot_id, vehicle_type, start_time, end_time, status, amount, currency)
      select ${driver.id}, ${lot.id}, s.id, 'compact', ${start.toISOString()}::timestamptz, ${end.toISOString()}::timestamptz, 'confirmed', 800, 'EUR'
      from spots s where s.lot_id = ${lot.id} order by s.label limit 1`);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await compactFree(lot.id, start, end)).toBe(2);
  });
});
