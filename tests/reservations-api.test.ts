import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { PUT as cancelRoute } from "@/app/v1/reservations/[id]/cancel/route";
import { GET as getOne } from "@/app/v1/reservations/[id]/route";
import { GET as list, POST as book } from "@/app/v1/reservations/route";
import { apiRequest, at, createTestLot, createUser, expectError, routeContext, type TestUser } from "./fixtures";

// A request without a token falls through to the site's next-auth session, which needs Next.js'
// request scope (next/headers) that a bare handler call does not have. Stand in for "no session
// cookie"; everything else here authenticates with real API tokens.
vi.mock("@/lib/auth/session", () => ({ getSessionCaller: async () => null }));

type Reservation = {
  reservation_id: string;
  user_id: string;
  lot_id: string;
  spot_id: string;
  spot_label: string;
  vehicle_type: string;
  license_plate: string | null;
  start_time: string;
  end_time: string;
  status: string;
  amount: number;
  currency: string;
};

type Window = { start: Date; end: Date };
const window = (days: number, fromHour: number, toHour: number): Window => ({
  start: at(days, fromHour),
  end: at(days, toHour),
});

function post(user: TestUser | undefined, body: Record<string, unknown>) {
  return book(apiRequest("POST", "/v1/reservations", { token: user?.token, body }), routeContext());
}

function bookingBody(lotId: string, w: Window, extra: Record<string, unknown> = {}) {
  return {
    lot_id: lotId,
    vehicle_type: "compact",
    start_time: w.start.toISOString(),
    end_time: w.end.toISOString(),
    ...extra,
  };
}

async function bookOk(user: TestUser, lotId: string, w: Window, extra: Record<string, unknown> = {}) {
  const res = await post(user, bookingBody(lotId, w, extra));
  expect(res.status).toBe(201);
  return (await res.json()) as Reservation;
}

const getReservation = (user: TestUser, id: string) =>
  getOne(apiRequest("GET", `/v1/reservations/${id}`, { token: user.token }), routeContext({ id }));
const cancel = (user: TestUser, id: string) =>
  cancelRoute(apiRequest("PUT", `/v1/reservations/${id}/cancel`, { token: user.token }), routeContext({ id }));
const listPage = (user: TestUser, query: Record<string, string>) =>
  list(apiRequest("GET", `/v1/reservations?${new URLSearchParams(query)}`, { token: user.token }), routeContext());

let driver: TestUser;
let otherDriver: TestUser;
let operator: TestUser;

beforeAll(async () => {
  [driver, otherDriver, operator] = await Promise.all([
    createUser("driver"),
    createUser("driver"),
    createUser("operator"),
  ]);
});

describe("POST /v1/reservations", () => {
  it("books a spot and answers 201 with the reservation, priced at the lot's rate", async () => {
    const lot = await createTestLot({
      counts: { compact: 3 },
      currency: "EUR",
      hourly_rates: { compact: 350, large: 500, ev: 450, handicapped: 300 },
    });
    const w = window(2, 9, 11);
    const res = await post(driver, bookingBody(lot.id, w, { license_plate: "ab-12 c" }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as Reservation;
    expect(Object.keys(body).sort()).toEqual(
      [
        "amount",
        "currency",
        "end_time",
        "license_plate",
        "lot_id",
        "policy",
        "reservation_id",
        "spot_id",
        "spot_label",
        "start_time",
        "status",
        "user_id",
        "vehicle_type",
      ].sort(),
    );
    expect(body).toEqual({
      reservation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      user_id: driver.id,
      lot_id: lot.id,
      spot_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      spot_label: "G-C001",
      vehicle_type: "compact",
      license_plate: "AB12C",
      start_time: w.start.toISOString(),
      end_time: w.end.toISOString(),
      // Held for payment (POST /v1/payments confirms it); the hold itself is the booking.
      status: "pending_payment",
      amount: 700,
      currency: "EUR",
      // The terms shown at booking (issue 10): later edits of the lot do not change them.
      policy: {
        grace_minutes: 30,
        no_show_penalty: 0,
        overstay_tolerance_minutes: 10,
        overstay_daily_cap: 3500, // no daily maximum: 10 h at 3.50
        cancel_full_refund_minutes_before: 0,
        cancel_late_refund_percent: 0,
      },
    });
    expect(res.headers.get("location")).toBe(`/v1/reservations/${body.reservation_id}`);
  });

  it("answers times in UTC whatever offset they were sent with", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const start = at(2, 9);
    const res = await post(driver, {
      lot_id: lot.id,
      vehicle_type: "compact",
      start_time: start.toISOString().replace("T09:00:00.000Z", "T18:00:00+09:00"),
      end_time: new Date(start.getTime() + 3_600_000).toISOString(),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as Reservation).start_time).toBe(start.toISOString());
  });

  it("hands out the lowest free label first, then the next", async () => {
    const lot = await createTestLot({ counts: { compact: 3, large: 1 } });
    const w = window(3, 10, 12);
    const labels = [];
    for (let i = 0; i < 3; i++) labels.push((await bookOk(driver, lot.id, w)).spot_label);
    expect(labels).toEqual(["G-C001", "G-C002", "G-C003"]);
    expect((await bookOk(driver, lot.id, w, { vehicle_type: "large" })).spot_label).toBe("G-L001");
  });

  it("books back-to-back windows on a one-spot lot: the end is exclusive", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const first = await bookOk(driver, lot.id, window(4, 10, 12));
    const second = await bookOk(otherDriver, lot.id, window(4, 12, 14));
    const before = await bookOk(otherDriver, lot.id, window(4, 8, 10));
    expect(new Set([first.spot_id, second.spot_id, before.spot_id]).size).toBe(1);
  });

  it("refuses an overlapping window when every spot of the type is taken, with 409 no_spot_available", async () => {
    const lot = await createTestLot({ counts: { compact: 1, large: 1 } });
    await bookOk(driver, lot.id, window(4, 10, 12));
    await expectError(
      await post(otherDriver, bookingBody(lot.id, { start: at(4, 11, 45), end: at(4, 12, 15) })),
      409,
      "no_spot_available",
    );
    // Another vehicle type is a different pool of spots.
    await bookOk(otherDriver, lot.id, window(4, 10, 12), { vehicle_type: "large" });
  });

  it("refuses a vehicle type the lot has no spots for with 409 no_spot_available", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    await expectError(
      await post(driver, bookingBody(lot.id, window(4, 10, 12), { vehicle_type: "ev" })),
      409,
      "no_spot_available",
    );
  });

  describe("validation", () => {
    let lotId: string;
    beforeAll(async () => {
      lotId = (await createTestLot({ counts: { compact: 2 }, max_reservation_minutes: 24 * 60 })).id;
    });

    it("rejects an end before the start with 422", async () => {
      await expectError(
        await post(driver, bookingBody(lotId, { start: at(5, 12), end: at(5, 10) })),
        422,
        "validation_failed",
      );
    });

    it("rejects an empty window with 422", async () => {
      await expectError(
        await post(driver, bookingBody(lotId, { start: at(5, 12), end: at(5, 12) })),
        422,
        "validation_failed",
      );
    });

    it("rejects a start in the past with 422", async () => {
      const start = new Date(Date.now() - 60 * 60_000);
      await expectError(await post(driver, bookingBody(lotId, { start, end: at(5, 12) })), 422, "validation_failed");
    });

    it("accepts a start a minute ago (clock skew)", async () => {
      const start = new Date(Date.now() - 60_000);
      await bookOk(driver, lotId, { start, end: new Date(start.getTime() + 30 * 60_000) });
    });

    it("rejects a booking longer than the lot allows with 422", async () => {
      await expectError(
        await post(driver, bookingBody(lotId, { start: at(5, 0), end: at(6, 0, 15) })),
        422,
        "validation_failed",
      );
      await bookOk(driver, lotId, { start: at(5, 0), end: at(6, 0) });
    });

    it("rejects an unknown vehicle type with 422 naming the field", async () => {
      const err = await expectError(
        await post(driver, bookingBody(lotId, window(5, 10, 11), { vehicle_type: "truck" })),
        422,
        "validation_failed",
      );
      expect(err.details).toEqual([expect.objectContaining({ path: "vehicle_type" })]);
    });

    it("rejects a malformed licence plate with 422", async () => {
      await expectError(
        await post(driver, bookingBody(lotId, window(5, 10, 11), { license_plate: "#" })),
        422,
        "validation_failed",
      );
    });

    it("rejects a time without an offset with 422", async () => {
      const body = { ...bookingBody(lotId, window(5, 10, 11)), start_time: "2031-01-01T10:00:00" };
      await expectError(await post(driver, body), 422, "validation_failed");
    });

    it("answers 404 for an unknown lot", async () => {
      await expectError(await post(driver, bookingBody(randomUUID(), window(5, 10, 11))), 404, "not_found");
    });

    it("answers 400 for a body that is not JSON, or empty", async () => {
      const bad = apiRequest("POST", "/v1/reservations", { token: driver.token, rawBody: "{lot_id:" });
      await expectError(await book(bad, routeContext()), 400, "bad_request");
      const empty = apiRequest("POST", "/v1/reservations", { token: driver.token, rawBody: "" });
      await expectError(await book(empty, routeContext()), 400, "bad_request");
    });
  });

  describe("authentication and authorisation", () => {
    let lotId: string;
    beforeAll(async () => {
      lotId = (await createTestLot({ counts: { compact: 2 } })).id;
    });

    it("answers 401 without credentials", async () => {
      await expectError(await post(undefined, bookingBody(lotId, window(6, 10, 11))), 401, "unauthorized");
    });

    it("answers 401 for an unknown token or a header that is not a bearer token", async () => {
      const unknown = apiRequest("POST", "/v1/reservations", {
        token: "sk_not-a-real-token",
        body: bookingBody(lotId, window(6, 10, 11)),
      });
      await expectError(await book(unknown, routeContext()), 401, "unauthorized");
      const basic = apiRequest("POST", "/v1/reservations", {
        headers: { authorization: "Basic dXNlcjpwYXNz" },
        body: bookingBody(lotId, window(6, 10, 11)),
      });
      await expectError(await book(basic, routeContext()), 401, "unauthorized");
    });

    it("answers 403 when a driver books for someone else", async () => {
      await expectError(
        await post(driver, bookingBody(lotId, window(6, 10, 11), { user_id: otherDriver.id })),
        403,
        "forbidden",
      );
    });

    it("lets an operator book for a driver, who then owns the reservation", async () => {
      const r = await bookOk(operator, lotId, window(6, 10, 11), { user_id: driver.id });
      expect(r.user_id).toBe(driver.id);
      expect((await getReservation(driver, r.reservation_id)).status).toBe(200);
    });

    it("answers 404 when an operator books for a user that does not exist", async () => {
      await expectError(
        await post(operator, bookingBody(lotId, window(6, 12, 13), { user_id: randomUUID() })),
        404,
        "not_found",
      );
    });
  });
});

describe("GET /v1/reservations/{id}", () => {
  let mine: Reservation;
  beforeAll(async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    mine = await bookOk(driver, lot.id, window(7, 10, 12), { license_plate: "XY 987" });
  });

  it("shows the owner their reservation as it was booked", async () => {
    const res = await getReservation(driver, mine.reservation_id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(mine);
  });

  it("shows an operator anyone's reservation", async () => {
    const res = await getReservation(operator, mine.reservation_id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(mine);
  });

  it("answers 404, not 403, to another driver", async () => {
    await expectError(await getReservation(otherDriver, mine.reservation_id), 404, "not_found");
  });

  it("answers 404 for an id that is not a UUID or does not exist", async () => {
    await expectError(await getReservation(driver, "not-a-uuid"), 404, "not_found");
    await expectError(await getReservation(driver, randomUUID()), 404, "not_found");
  });
});

describe("GET /v1/reservations", () => {
  it("walks all of a driver's reservations page by page without gaps or repeats", async () => {
    const me = await createUser("driver");
    const lot = await createTestLot({ counts: { compact: 12 } });
    // Booked at once, so several share a created_at millisecond and the cursor's id tie-break matters.
    const created = await Promise.all(Array.from({ length: 12 }, () => bookOk(me, lot.id, window(8, 10, 11))));
    const seen: Reservation[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await listPage(me, { limit: "5", ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { data: Reservation[]; next_cursor: string | null };
      expect(page.data.length).toBeLessThanOrEqual(5);
      seen.push(...page.data);
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((r) => r.reservation_id).sort()).toEqual(created.map((r) => r.reservation_id).sort());
    expect(seen.every((r) => r.user_id === me.id)).toBe(true);
  });

  it("lists newest first and ends with next_cursor null when the last page is exactly full", async () => {
    const me = await createUser("driver");
    const lot = await createTestLot({ counts: { compact: 2 } });
    const older = await bookOk(me, lot.id, window(8, 10, 11));
    const newer = await bookOk(me, lot.id, window(8, 10, 11));
    const page = (await (await listPage(me, { limit: "2" })).json()) as {
      data: Reservation[];
      next_cursor: string | null;
    };
    expect(page.data.map((r) => r.reservation_id)).toEqual([newer.reservation_id, older.reservation_id]);
    expect(page.next_cursor).toBeNull();
  });

  it("shows a driver only their own reservations", async () => {
    const me = await createUser("driver");
    const someoneElse = await createUser("driver");
    const lot = await createTestLot({ counts: { compact: 2 } });
    const mineR = await bookOk(me, lot.id, window(8, 12, 13));
    await bookOk(someoneElse, lot.id, window(8, 12, 13));
    const page = (await (await listPage(me, {})).json()) as { data: Reservation[] };
    expect(page.data.map((r) => r.reservation_id)).toEqual([mineR.reservation_id]);
    await expectError(await listPage(me, { user_id: someoneElse.id }), 403, "forbidden");
  });

  it("lets an operator list one lot's reservations across drivers", async () => {
    const lotA = await createTestLot({ counts: { compact: 2 } });
    const lotB = await createTestLot({ counts: { compact: 2 } });
    const a1 = await bookOk(driver, lotA.id, window(9, 10, 11));
    const a2 = await bookOk(otherDriver, lotA.id, window(9, 10, 11));
    await bookOk(driver, lotB.id, window(9, 10, 11));
    const res = await listPage(operator, { lot_id: lotA.id });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { data: Reservation[]; next_cursor: string | null };
    expect(page.data.map((r) => r.reservation_id).sort()).toEqual([a1.reservation_id, a2.reservation_id].sort());
    expect(page.next_cursor).toBeNull();
  });

  it("answers 400 for a cursor it did not issue and 422 for a bad limit", async () => {
    await expectError(await listPage(driver, { cursor: "garbage" }), 400, "bad_request");
    await expectError(await listPage(driver, { limit: "1000" }), 422, "validation_failed");
  });
});

describe("PUT /v1/reservations/{id}/cancel", () => {
  it("cancels, reports the refund, and frees the spot for the same window", async () => {
    const lot = await createTestLot({ counts: { compact: 1 }, currency: "JPY" });
    const w = window(10, 10, 12);
    const r = await bookOk(driver, lot.id, w);
    await expectError(await post(otherDriver, bookingBody(lot.id, w)), 409, "no_spot_available");

    const res = await cancel(driver, r.reservation_id);
    expect(res.status).toBe(200);
    // Nothing was charged yet (bookings are confirmed without payment), so nothing is refunded.
    expect(await res.json()).toEqual({
      reservation_id: r.reservation_id,
      status: "cancelled",
      refund_amount: 0,
      currency: "JPY",
      refund_status: "none",
    });
    expect(((await (await getReservation(driver, r.reservation_id)).json()) as Reservation).status).toBe("cancelled");

    const again = await bookOk(otherDriver, lot.id, w);
    expect(again.spot_id).toBe(r.spot_id);
  });

  it("answers the same result when cancelled twice", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, window(10, 14, 15));
    const first = await cancel(driver, r.reservation_id);
    const second = await cancel(driver, r.reservation_id);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
  });

  it("lets an operator cancel a driver's reservation", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, window(10, 16, 17));
    const res = await cancel(operator, r.reservation_id);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("cancelled");
  });

  it("answers 404 to another driver and leaves the reservation alone", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, window(10, 18, 19));
    await expectError(await cancel(otherDriver, r.reservation_id), 404, "not_found");
    expect(((await (await getReservation(driver, r.reservation_id)).json()) as Reservation).status).toBe(
      "pending_payment",
    );
  });

  it("answers 404 for an unknown or malformed id", async () => {
    await expectError(await cancel(driver, randomUUID()), 404, "not_found");
    await expectError(await cancel(driver, "123"), 404, "not_found");
  });
});
