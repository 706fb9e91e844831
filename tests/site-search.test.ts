import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { lots } from "@/db/schema";
import { POST as book } from "@/app/v1/reservations/route";
import { LotSearch, searchLots } from "@/lib/search/search-lots";
import { instantToLocalInput } from "@/lib/time/zoned-time";
import { apiRequest, at, createTestLot, createUser, routeContext } from "./fixtures";

// A made-up city per run, so lots other tests create never match.
const city = `Testville${randomUUID().slice(0, 6)}`;
let cheap: Awaited<ReturnType<typeof createTestLot>>;
let dear: Awaited<ReturnType<typeof createTestLot>>;

beforeAll(async () => {
  const db = await getDb();
  cheap = await createTestLot({
    hourly_rates: { compact: 200, large: 300, ev: 300, handicapped: 200 },
    counts: { compact: 1 },
  });
  dear = await createTestLot({
    hourly_rates: { compact: 900, large: 900, ev: 900, handicapped: 900 },
    counts: { compact: 2, ev: 1, handicapped: 1 },
  });
  await db.update(lots).set({ city, latitude: 52.37, longitude: 4.88 }).where(eq(lots.id, cheap.id));
  await db.update(lots).set({ city, latitude: 52.09, longitude: 5.12 }).where(eq(lots.id, dear.id));
});

const search = async (q: Record<string, string>) =>
  (await searchLots(await getDb(), LotSearch.parse({ q: city, ...q }))).map((r) => r.lot.id);

describe("lot search", () => {
  it("finds lots by city, whatever the case", async () => {
    expect(
      (await searchLots(await getDb(), LotSearch.parse({ q: city.toUpperCase() }))).map((r) => r.lot.id).sort(),
    ).toEqual([cheap.id, dear.id].sort());
  });

  it("keeps only lots with EV and accessible spots when asked", async () => {
    expect(await search({ ev: "1" })).toEqual([dear.id]);
    expect(await search({ accessible: "1" })).toEqual([dear.id]);
  });

  it("sorts by price and by distance from a point, and drops lots above the price ceiling", async () => {
    expect(await search({ sort: "price", type: "compact" })).toEqual([cheap.id, dear.id]);
    expect(await search({ sort: "distance", near: "52.09,5.12" })).toEqual([dear.id, cheap.id]);
    expect(await search({ max_price: "5", type: "compact" })).toEqual([cheap.id]);
  });

  it("leaves out a lot whose only spot of the type is taken for the window", async () => {
    const driver = await createUser();
    const [start, end] = [at(3, 9), at(3, 11)];
    const res = await book(
      apiRequest("POST", "/v1/reservations", {
        token: driver.token,
        body: {
          lot_id: cheap.id,
          vehicle_type: "compact",
          start_time: start.toISOString(),
          end_time: end.toISOString(),
        },
      }),
      routeContext(),
    );
    expect(res.status).toBe(201);
    const window = {
      type: "compact",
      start: instantToLocalInput(start, cheap.timeZone),
      end: instantToLocalInput(end, cheap.timeZone),
    };
    expect(await search(window)).toEqual([dear.id]);
    const [result] = await searchLots(await getDb(), LotSearch.parse({ q: city, ...window }));
    expect(result).toMatchObject({ free: 2, priceIsTotal: true });
  });
});
