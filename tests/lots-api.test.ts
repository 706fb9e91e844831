import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { GET as availabilityRoute } from "@/app/v1/lots/[id]/availability/route";
import { GET as getLot, PATCH as patchLot } from "@/app/v1/lots/[id]/route";
import { GET as listSpotsRoute, POST as addSpotsRoute } from "@/app/v1/lots/[id]/spots/route";
import { GET as listLots, POST as createLotRoute } from "@/app/v1/lots/route";
import { GET as meRoute } from "@/app/v1/me/route";
import { GET as openApiRoute } from "@/app/v1/openapi.json/route";
import { POST as book } from "@/app/v1/reservations/route";
import { apiRequest, at, createTestLot, createUser, expectError, routeContext, type TestUser } from "./fixtures";

type Counts = { compact: number; large: number; ev: number; handicapped: number };
type LotBody = {
  id: string;
  name: string;
  time_zone: string;
  currency: string;
  grace_minutes: number;
  spots_by_type: Counts;
};
type LotDetail = LotBody & {
  address: string;
  no_show_penalty: number;
  cancel_full_refund_minutes_before: number;
  cancel_late_refund_percent: number;
  max_reservation_minutes: number;
  hold_minutes: number;
  overstay_tolerance_minutes: number;
  rate_plan: { base_hourly: Counts; billing_increment_minutes: number } & Record<string, unknown>;
};
type Spot = { id: string; label: string; level: string; vehicle_type: string; x: number; y: number; active: boolean };
type Availability = {
  lot_id: string;
  start_time: string;
  end_time: string;
  availability: {
    vehicle_type: string;
    total_spots: number;
    available_spots: number;
    amount: number;
    currency: string;
  }[];
};

let driver: TestUser;
let operator: TestUser;

beforeAll(async () => {
  [driver, operator] = await Promise.all([createUser("driver"), createUser("operator")]);
});

const lotRequest = (method: string, id: string, opts: Parameters<typeof apiRequest>[2] = {}) =>
  apiRequest(method, `/v1/lots/${id}`, opts);
const fetchLot = async (id: string) =>
  (await (await getLot(lotRequest("GET", id), routeContext({ id }))).json()) as LotDetail;
const addSpots = (user: TestUser, id: string, body: unknown) =>
  addSpotsRoute(apiRequest("POST", `/v1/lots/${id}/spots`, { token: user.token, body }), routeContext({ id }));
const createLotAs = (user: TestUser, body: unknown) =>
  createLotRoute(apiRequest("POST", "/v1/lots", { token: user.token, body }), routeContext());

function availability(lotId: string, start: Date, end: Date, type?: string) {
  const q = new URLSearchParams({
    start_time: start.toISOString(),
    end_time: end.toISOString(),
    ...(type ? { vehicle_type: type } : {}),
  });
  return availabilityRoute(apiRequest("GET", `/v1/lots/${lotId}/availability?${q}`), routeContext({ id: lotId }));
}

function bookCompact(user: TestUser, lotId: string, start: Date, end: Date) {
  const body = { lot_id: lotId, vehicle_type: "compact", start_time: start.toISOString(), end_time: end.toISOString() };
  return book(apiRequest("POST", "/v1/reservations", { token: user.token, body }), routeContext());
}

describe("GET /v1/lots and /v1/lots/{id}", () => {
  it("lists every lot with its active spots counted by type, without credentials", async () => {
    const lot = await createTestLot({ counts: { compact: 3, ev: 1 }, time_zone: "Asia/Tokyo", currency: "JPY" });
    const res = await listLots(apiRequest("GET", "/v1/lots"), routeContext());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: LotBody[]; next_cursor: string | null };
    expect(body.next_cursor).toBeNull();
    expect(body.data.find((l) => l.id === lot.id)).toEqual({
      id: lot.id,
      name: lot.name,
      address: "1 Test Street",
      time_zone: "Asia/Tokyo",
      currency: "JPY",
      grace_minutes: 30,
      spots_by_type: { compact: 3, large: 0, ev: 1, handicapped: 0 },
    });
  });

  it("shows one lot with its settings, rates and spots by type", async () => {
    const lot = await createTestLot({
      counts: { large: 2, handicapped: 1 },
      cancel_full_refund_minutes_before: 60,
      cancel_late_refund_percent: 50,
    });
    const res = await getLot(lotRequest("GET", lot.id), routeContext({ id: lot.id }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: lot.id,
      name: lot.name,
      address: "1 Test Street",
      time_zone: "Europe/Amsterdam",
      currency: "EUR",
      grace_minutes: 30,
      spots_by_type: { compact: 0, large: 2, ev: 0, handicapped: 1 },
      no_show_penalty: 0,
      cancel_full_refund_minutes_before: 60,
      cancel_late_refund_percent: 50,
      max_reservation_minutes: 30 * 24 * 60,
      hold_minutes: 10,
      overstay_tolerance_minutes: 10,
      gate_entry_margin_minutes: 15,
      lpr_confidence_threshold: 0.8,
      allow_reentry: false,
      rate_plan: {
        base_hourly: { compact: 400, large: 600, ev: 500, handicapped: 300 },
        ev_surcharge_hourly: 0,
        bands: [],
        occupancy_steps: [],
        occupancy_cap_multiplier: 2,
        billing_increment_minutes: 15,
        minimum_charge: 0,
        daily_max: null,
      },
    });
  });

  it("answers 404 for an unknown lot or an id that is not a UUID", async () => {
    const id = randomUUID();
    await expectError(await getLot(lotRequest("GET", id), routeContext({ id })), 404, "not_found");
    await expectError(await getLot(lotRequest("GET", "shibuya"), routeContext({ id: "shibuya" })), 404, "not_found");
  });
});

describe("GET /v1/lots/{id}/availability", () => {
  it("counts free spots per type with the price, and the count drops after a booking", async () => {
    const lot = await createTestLot({ counts: { compact: 2, large: 1 } });
    const [start, end] = [at(3, 10), at(3, 12)];
    const before = (await (await availability(lot.id, start, end)).json()) as Availability;
    expect(before).toEqual({
      lot_id: lot.id,
      start_time: start.toISOString(),
      end_time: end.toISOString(),
      availability: [
        { vehicle_type: "compact", total_spots: 2, available_spots: 2, amount: 800, currency: "EUR" },
        { vehicle_type: "large", total_spots: 1, available_spots: 1, amount: 1200, currency: "EUR" },
        { vehicle_type: "ev", total_spots: 0, available_spots: 0, amount: 1000, currency: "EUR" },
        { vehicle_type: "handicapped", total_spots: 0, available_spots: 0, amount: 600, currency: "EUR" },
      ],
    });

    expect((await bookCompact(driver, lot.id, at(3, 11), at(3, 13))).status).toBe(201);
    const after = (await (await availability(lot.id, start, end, "compact")).json()) as Availability;
    expect(after.availability).toEqual([
      { vehicle_type: "compact", total_spots: 2, available_spots: 1, amount: 800, currency: "EUR" },
    ]);
    // The booking ends at 13:00, so a window from 13:00 still has both spots.
    const later = (await (await availability(lot.id, at(3, 13), at(3, 14), "compact")).json()) as Availability;
    expect(later.availability[0]!.available_spots).toBe(2);
  });

  it("answers 422 for a reversed window and 404 for an unknown lot", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    await expectError(await availability(lot.id, at(3, 12), at(3, 10)), 422, "validation_failed");
    const id = randomUUID();
    await expectError(await availability(id, at(3, 10), at(3, 12)), 404, "not_found");
  });
});

describe("POST /v1/lots", () => {
  const newLot = {
    name: "Harbour Deck",
    address: "Pier 3",
    time_zone: "America/Los_Angeles",
    currency: "usd",
    spots: { counts: { compact: 4, ev: 2 }, level: "P1" },
  };

  it("creates a lot with its spots for an operator: 201, Location, counts by type", async () => {
    const res = await createLotAs(operator, newLot);
    expect(res.status).toBe(201);
    const lot = (await res.json()) as LotDetail;
    expect(lot).toMatchObject({
      name: "Harbour Deck",
      time_zone: "America/Los_Angeles",
      currency: "USD",
      spots_by_type: { compact: 4, large: 0, ev: 2, handicapped: 0 },
      rate_plan: { base_hourly: { compact: 300, large: 450, ev: 400, handicapped: 300 } },
    });
    expect(res.headers.get("location")).toBe(`/v1/lots/${lot.id}`);
    expect(await fetchLot(lot.id)).toEqual(lot);
    const spots = (await (
      await listSpotsRoute(lotRequest("GET", `${lot.id}/spots`), routeContext({ id: lot.id }))
    ).json()) as { data: Spot[] };
    expect(spots.data.map((s) => s.label)).toEqual(["P1-C001", "P1-C002", "P1-C003", "P1-C004", "P1-E001", "P1-E002"]);
  });

  it("makes a new lot bookable at once", async () => {
    const lot = (await (await createLotAs(operator, { ...newLot, name: "Bookable" })).json()) as LotDetail;
    const res = await bookCompact(driver, lot.id, at(4, 10), at(4, 11));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ spot_label: "P1-C001", currency: "USD", amount: 300 });
  });

  it("gives the planner a large new lot's spots at once (ANALYZE), not after autovacuum's next round", async () => {
    const db = await getDb();
    const analyzed = async () =>
      (
        await db.execute<{ n: number }>(
          sql`select (analyze_count + autoanalyze_count)::int as n from pg_stat_user_tables where relname = 'spots'`,
        )
      )[0]!.n;
    const before = await analyzed();
    await createLotAs(operator, { ...newLot, name: "Arena", spots: { counts: { compact: 120 } } });
    // (The statistics collector's view can lag its own backend's counters by a moment.)
    await expect.poll(analyzed).toBeGreaterThan(before);
  });

  it("answers 403 to a driver", async () => {
    await expectError(await createLotAs(driver, newLot), 403, "forbidden");
  });

  it("answers 422 for an unknown time zone or currency", async () => {
    await expectError(await createLotAs(operator, { ...newLot, time_zone: "Pacific Time" }), 422, "validation_failed");
    await expectError(await createLotAs(operator, { ...newLot, currency: "dollars" }), 422, "validation_failed");
  });
});

describe("PATCH /v1/lots/{id}", () => {
  it("changes only the fields sent, for an operator", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const res = await patchLot(
      lotRequest("PATCH", lot.id, { token: operator.token, body: { name: "Renamed", cancel_late_refund_percent: 25 } }),
      routeContext({ id: lot.id }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as LotDetail;
    expect(body).toMatchObject({
      id: lot.id,
      name: "Renamed",
      cancel_late_refund_percent: 25,
      time_zone: "Europe/Amsterdam",
      currency: "EUR",
    });
    expect(await fetchLot(lot.id)).toEqual(body);
  });

  it("answers 403 to a driver, 422 for an empty patch and 404 for an unknown lot", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const ctx = routeContext({ id: lot.id });
    await expectError(
      await patchLot(lotRequest("PATCH", lot.id, { token: driver.token, body: { name: "X" } }), ctx),
      403,
      "forbidden",
    );
    await expectError(
      await patchLot(lotRequest("PATCH", lot.id, { token: operator.token, body: {} }), ctx),
      422,
      "validation_failed",
    );
    const id = randomUUID();
    await expectError(
      await patchLot(lotRequest("PATCH", id, { token: operator.token, body: { name: "X" } }), routeContext({ id })),
      404,
      "not_found",
    );
    expect((await fetchLot(lot.id)).name).toBe(lot.name);
  });
});

describe("POST /v1/lots/{id}/spots", () => {
  it("adds spots by count, numbering on after the existing labels", async () => {
    const lot = await createTestLot({ counts: { compact: 2 } });
    const res = await addSpots(operator, lot.id, { counts: { compact: 2, large: 1 } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { data: Spot[] };
    expect(body.data.map((s) => [s.label, s.vehicle_type])).toEqual([
      ["G-C003", "compact"],
      ["G-C004", "compact"],
      ["G-L001", "large"],
    ]);
    expect((await fetchLot(lot.id)).spots_by_type).toEqual({ compact: 4, large: 1, ev: 0, handicapped: 0 });
  });

  it("adds an explicit list of spots with their labels and positions", async () => {
    const lot = await createTestLot({ counts: {} });
    const res = await addSpots(operator, lot.id, {
      spots: [
        { label: "Roof-1", vehicle_type: "ev", level: "R", x: 3, y: 4 },
        { label: "Roof-2", vehicle_type: "ev", level: "R", active: false },
      ],
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { data: Spot[] };
    expect(body.data.map(({ id: _id, ...s }) => s)).toEqual([
      { label: "Roof-1", level: "R", vehicle_type: "ev", x: 3, y: 4, active: true },
      { label: "Roof-2", level: "R", vehicle_type: "ev", x: 0, y: 0, active: false },
    ]);
    // Inactive spots are not counted.
    expect((await fetchLot(lot.id)).spots_by_type.ev).toBe(1);
  });

  it("answers 409 for a label the lot already has, and adds none of the batch", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const err = await expectError(
      await addSpots(operator, lot.id, {
        spots: [
          { label: "New-1", vehicle_type: "compact" },
          { label: "G-C001", vehicle_type: "compact" },
        ],
      }),
      409,
      "conflict",
    );
    expect(err.details).toEqual({ labels: ["G-C001"] });
    expect((await fetchLot(lot.id)).spots_by_type.compact).toBe(1);
  });

  it("answers 422 for a label repeated within the request", async () => {
    const lot = await createTestLot({ counts: {} });
    const spots = [
      { label: "A", vehicle_type: "compact" },
      { label: "A", vehicle_type: "large" },
    ];
    await expectError(await addSpots(operator, lot.id, { spots }), 422, "validation_failed");
  });

  it("answers 403 to a driver and 404 for an unknown lot", async () => {
    const lot = await createTestLot({ counts: {} });
    await expectError(await addSpots(driver, lot.id, { counts: { compact: 1 } }), 403, "forbidden");
    await expectError(await addSpots(operator, randomUUID(), { counts: { compact: 1 } }), 404, "not_found");
  });

  it("makes a window that was full bookable again once a spot is added", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const [start, end] = [at(5, 10), at(5, 12)];
    expect((await bookCompact(driver, lot.id, start, end)).status).toBe(201);
    await expectError(await bookCompact(driver, lot.id, start, end), 409, "no_spot_available");
    expect((await addSpots(operator, lot.id, { counts: { compact: 1 } })).status).toBe(201);
    const res = await bookCompact(driver, lot.id, start, end);
    expect(res.status).toBe(201);
    expect(((await res.json()) as { spot_label: string }).spot_label).toBe("G-C002");
  });
});

describe("GET /v1/me", () => {
  it("tells the caller who the token belongs to", async () => {
    const res = await meRoute(apiRequest("GET", "/v1/me", { token: operator.token }), routeContext());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: operator.id, email: operator.email, name: operator.name, role: "operator" });
  });

  it("answers 401 to an unknown token", async () => {
    await expectError(
      await meRoute(apiRequest("GET", "/v1/me", { token: "sk_unknown" }), routeContext()),
      401,
      "unauthorized",
    );
  });
});

describe("GET /v1/openapi.json", () => {
  type Doc = {
    openapi: string;
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  };

  it("is an OpenAPI 3.1 document describing the reservation, lot and caller operations", async () => {
    const res = await openApiRoute(apiRequest("GET", "/v1/openapi.json"), routeContext());
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toMatch(/^3\.1\./);
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        "POST /v1/reservations",
        "GET /v1/reservations",
        "GET /v1/reservations/{id}",
        "PUT /v1/reservations/{id}/cancel",
        "GET /v1/lots",
        "POST /v1/lots",
        "GET /v1/lots/{id}",
        "PATCH /v1/lots/{id}",
        "GET /v1/lots/{id}/spots",
        "POST /v1/lots/{id}/spots",
        "GET /v1/lots/{id}/availability",
        "GET /v1/me",
        "POST /v1/gates/check-in",
        "POST /v1/gates/check-out",
        "GET /v1/gates/offline-cache",
        "GET /v1/gates/keys",
        "POST /v1/lots/{id}/gates",
        "GET /v1/reservations/{id}/pass",
      ]),
    );
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["bearerAuth", "gateSecret", "sessionCookie"]);
  });

  it("resolves every $ref inside the document, and describes the reservation and error shapes", async () => {
    const doc = (await (await openApiRoute(apiRequest("GET", "/v1/openapi.json"), routeContext())).json()) as Doc;
    const refs = new Set([...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!));
    expect(refs.size).toBeGreaterThan(10);
    const resolve = (ref: string) =>
      ref
        .replace(/^#\//, "")
        .split("/")
        .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
    const dangling = [...refs].filter((ref) => !ref.startsWith("#/") || resolve(ref) === undefined);
    expect(dangling).toEqual([]);
    const reservation = doc.components.schemas.Reservation as { required: string[] };
    expect(reservation.required.sort()).toEqual(
      [
        "reservation_id",
        "user_id",
        "lot_id",
        "spot_id",
        "spot_label",
        "vehicle_type",
        "license_plate",
        "start_time",
        "end_time",
        "status",
        "amount",
        "currency",
        "policy",
      ].sort(),
    );
    expect(doc.components.schemas.Error).toMatchObject({ required: ["error"] });
  });
});
