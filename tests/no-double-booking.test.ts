import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { listSpots } from "@/db/queries/lots";
import { reservations, type ReservationStatus } from "@/db/schema";
import { pgCode } from "@/lib/errors";
import { errorResponse } from "@/lib/http/respond";
import { at, createTestLot, createUser } from "./fixtures";

// The last line of defence is in PostgreSQL itself (db/migrations/0001_no_double_booking.sql): even a
// writer that bypasses the allocator cannot put two active reservations on one spot at once.

let lotId: string;
let spotA: string;
let spotB: string;
let userId: string;

beforeAll(async () => {
  const lot = await createTestLot({ counts: { compact: 2 } });
  lotId = lot.id;
  [spotA, spotB] = (await listSpots(await getDb(), lot.id)).map((s) => s.id) as [string, string];
  userId = (await createUser()).id;
});

async function insert(spotId: string, start: Date, end: Date, status: ReservationStatus = "confirmed") {
  const db = await getDb();
  const [row] = await db
    .insert(reservations)
    .values({
      userId,
      lotId,
      spotId,
      vehicleType: "compact",
      startTime: start,
      endTime: end,
      status,
      amount: 0,
      currency: "EUR",
    })
    .returning({ id: reservations.id });
  return row!.id;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (err: unknown) => err,
  );

describe("the reservations_no_overlap exclusion constraint", () => {
  it("rejects a second active reservation of the same spot for an overlapping period with SQLSTATE 23P01", async () => {
    await insert(spotA, at(2, 10), at(2, 12));
    for (const status of ["confirmed", "pending_payment", "checked_in"] as const) {
      const err = await failure(insert(spotA, at(2, 11), at(2, 13), status));
      expect(pgCode(err), status).toBe("23P01");
    }
    // A period inside the existing one, and one enclosing it, collide too.
    expect(pgCode(await failure(insert(spotA, at(2, 10, 30), at(2, 11))))).toBe("23P01");
    expect(pgCode(await failure(insert(spotA, at(2, 9), at(2, 13))))).toBe("23P01");
  });

  it("is answered as 409 no_spot_available, never as a 500", async () => {
    await insert(spotA, at(3, 10), at(3, 12));
    const res = errorResponse(await failure(insert(spotA, at(3, 11), at(3, 12))));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("no_spot_available");
  });

  it("allows back-to-back periods on the same spot (half-open ranges)", async () => {
    await insert(spotA, at(4, 10), at(4, 12));
    await expect(insert(spotA, at(4, 12), at(4, 14))).resolves.toEqual(expect.any(String));
    await expect(insert(spotA, at(4, 8), at(4, 10))).resolves.toEqual(expect.any(String));
  });

  it("allows an overlapping reservation that is no longer active (cancelled, expired, completed, no-show)", async () => {
    await insert(spotA, at(5, 10), at(5, 12));
    for (const status of ["cancelled", "expired", "completed", "no_show"] as const) {
      await expect(insert(spotA, at(5, 11), at(5, 13), status), status).resolves.toEqual(expect.any(String));
    }
  });

  it("allows overlapping active reservations on different spots", async () => {
    await insert(spotA, at(6, 10), at(6, 12));
    await expect(insert(spotB, at(6, 10), at(6, 12))).resolves.toEqual(expect.any(String));
  });

  it("rejects an empty period (check violation) and a reversed one (the range cannot be built)", async () => {
    expect(pgCode(await failure(insert(spotB, at(7, 10), at(7, 10))))).toBe("23514");
    expect(pgCode(await failure(insert(spotB, at(7, 12), at(7, 10))))).toBe("22000");
  });
});
