import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { bookingStatement } from "@/db/queries/allocation";
import { freeSpotCandidates, spotIsFree } from "@/db/queries/reservations";
import { at, createTestLot, createUser } from "./fixtures";

// Event parking books one window many times over, and every new window is booked before ANALYZE
// has seen it: PostgreSQL then estimates that one reservation overlaps it. The booking statement's
// "is this spot free" test must still probe each candidate spot through the EXCLUDE constraint's
// index (spot_id, period), not read the window's bookings of the whole lot and compare every spot
// with every one of them (db/queries/reservations.ts: spotBusy). A plan, not a timing.

const SPOTS = 300;
let lotId: string;
let userId: string;
let version: string;
const start = at(9, 8);
const end = at(9, 10);

type PlanNode = {
  "Node Type": string;
  "Subplan Name"?: string;
  "Index Name"?: string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
};
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

async function plan(statement: ReturnType<typeof sql>) {
  const db = await getDb();
  const [row] = await db.execute<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(sql`explain (format json) ${statement}`);
  return nodes(row!["QUERY PLAN"][0].Plan);
}

/** How a plan reads reservations: the index (or the node type, e.g. Seq Scan) of each scan of that table. */
const reservationScans = (all: PlanNode[]) =>
  all
    .filter((n) => n["Relation Name"] === "reservations" && /Scan/.test(n["Node Type"]))
    .map((n) => n["Index Name"] ?? n["Node Type"]);

beforeAll(async () => {
  const db = await getDb();
  const lot = await createTestLot({ counts: { compact: SPOTS } });
  lotId = lot.id;
  userId = (await createUser()).id;
  // 250 of the 300 spots booked for the window in one go, as a rush would, and not analyzed.
  await db.execute(sql`
    insert into reservations (user_id, lot_id, spot_id, vehicle_type, start_time, end_time, status, amount, currency)
    select ${userId}, ${lotId}, s.id, 'compact', ${start.toISOString()}::timestamptz, ${end.toISOString()}::timestamptz,
      'confirmed', 0, 'EUR'
    from spots s where s.lot_id = ${lotId} order by s.label limit 250`);
  const [row] = await db.execute<{ v: string }>(sql`select xmin::text as v from lots where id = ${lotId}`);
  version = row!.v;
});

describe("the booking statement's plan for a window booked since the last ANALYZE", () => {
  it("probes each candidate spot through reservations_no_overlap, and materialises no list of the window's bookings", async () => {
    const all = await plan(
      bookingStatement(
        {
          userId,
          lotId,
          vehicleType: "compact",
          startTime: start,
          endTime: end,
          status: "pending_payment",
          licensePlate: null,
          holdExpiresAt: at(0, 23),
          amount: 0,
          currency: "EUR",
          pricing: null,
          policy: null,
        },
        { from: "", before: false, limit: 16, lotVersion: version, cap: { perLot: 3, overall: 6, now: new Date() } },
      ),
    );
    // The candidates (CTE c); the hold cap's count elsewhere reads the driver's own rows.
    const candidates = nodes(all.find((n) => n["Subplan Name"] === "CTE c")!);
    const scans = reservationScans(candidates);
    expect(scans.length).toBeGreaterThan(0);
    expect(new Set(scans)).toEqual(new Set(["reservations_no_overlap"]));
    expect(candidates.some((n) => n["Node Type"] === "Materialize")).toBe(false);
  });

  it("gives the same answers as before: the first free spots, and a booked spot is not free", async () => {
    const db = await getDb();
    const free = await freeSpotCandidates(db, { lotId, vehicleType: "compact", start, end, limit: 60 });
    expect(free).toHaveLength(SPOTS - 250);
    const [booked] = await db.execute<{ spot_id: string; id: string }>(
      sql`select spot_id, id from reservations where lot_id = ${lotId} limit 1`,
    );
    expect(await spotIsFree(db, booked!.spot_id, start, end)).toBe(false);
    // Touching at the end ([) ranges) is free, and a reservation does not block itself (extension).
    expect(await spotIsFree(db, booked!.spot_id, end, at(9, 12))).toBe(true);
    expect(await spotIsFree(db, booked!.spot_id, at(9, 9), at(9, 11), booked!.id)).toBe(true);
    expect(await spotIsFree(db, free[0]!.id, start, end)).toBe(true);
  });
});
