import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { listSpots } from "@/db/queries/lots";
import { myReservation } from "@/db/queries/my-reservations";
import { findReservation } from "@/db/queries/reservations";
import { POST as book } from "@/app/v1/reservations/route";
import { spots } from "@/db/schema";
import { setSpotInService } from "@/lib/allocation/move-bookings";
import { apiRequest, at, createTestLot, createUser, routeContext } from "./fixtures";

async function bookCompact(lotId: string, token: string, start: Date, end: Date) {
  const res = await book(
    apiRequest("POST", "/v1/reservations", {
      token,
      body: { lot_id: lotId, vehicle_type: "compact", start_time: start.toISOString(), end_time: end.toISOString() },
    }),
    routeContext(),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { reservation_id: string; spot_id: string };
}

describe("taking a spot out of service", () => {
  it("moves its bookings to a free spot of the same type, and flags one that has nowhere to go", async () => {
    const db = await getDb();
    const driver = await createUser();
    const lot = await createTestLot({ counts: { compact: 2, large: 1 } });
    const first = await bookCompact(lot.id, driver.token, at(2, 9), at(2, 11));
    // The other compact spot is taken at 14:00, so the afternoon booking on the first spot cannot move.
    const second = await bookCompact(lot.id, driver.token, at(2, 14), at(2, 16));
    const blocker = await bookCompact(lot.id, driver.token, at(2, 14), at(2, 16));
    expect(second.spot_id).not.toBe(blocker.spot_id);
    const target = first.spot_id === second.spot_id ? first.spot_id : second.spot_id;

    const outcome = await setSpotInService(db, lot.id, target, false);

    const [spotRow] = await db.select().from(spots).where(eq(spots.id, target));
    expect(spotRow!.active).toBe(false);
    const other = (await listSpots(db, lot.id)).find((s) => s.vehicleType === "compact" && s.id !== target)!;
    const onTarget = [first, second].filter((b) => b.spot_id === target).map((b) => b.reservation_id);
    for (const id of onTarget) {
      const r = (await findReservation(db, id))!;
      const told = (await myReservation(db, id))!.spotChange;
      if (id === second.reservation_id) {
        expect(r.spotId).toBe(target);
        expect(outcome.flagged).toContainEqual({ reservationId: id, reason: "no_free_spot" });
        expect(told).toEqual({ reason: "out_of_service", from: spotRow!.label, flagged: true });
      } else {
        expect(r.spotId).toBe(other.id);
        expect(outcome.moved).toContainEqual({ reservationId: id, from: spotRow!.label, to: other.label });
        // The driver is told in My reservations why the spot changed.
        expect(told).toEqual({ reason: "out_of_service", from: spotRow!.label, flagged: false });
      }
    }
    // Back in service: the spot is bookable again, and the flag needs nobody any more.
    await setSpotInService(db, lot.id, target, true);
    expect((await myReservation(db, second.reservation_id))!.spotChange).toBeNull();
    const [back] = await db.select().from(spots).where(eq(spots.id, target));
    expect(back!.active).toBe(true);
  });

  it("refuses a spot of another lot", async () => {
    const a = await createTestLot({ counts: { compact: 1 } });
    const b = await createTestLot({ counts: { compact: 1 } });
    const [spot] = await listSpots(await getDb(), b.id);
    await expect(setSpotInService(await getDb(), a.id, spot!.id, false)).rejects.toMatchObject({ code: "not_found" });
  });
});
