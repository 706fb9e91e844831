import { describe, expect, it } from "vitest";
import { PATCH as patchLot } from "@/app/v1/lots/[id]/route";
import { GET as getQuote } from "@/app/v1/quotes/route";
import { GET as getOne } from "@/app/v1/reservations/[id]/route";
import { POST as book } from "@/app/v1/reservations/route";
import { apiRequest, at, createTestLot, expectError, routeContext, type TestUser, testPeople } from "./fixtures";

type Quote = {
  total: number;
  currency: string;
  line_items: { from: string; to: string; rate: number | null; amount: number; reason: string }[];
};

const { driver, operator } = testPeople();

const quote = (q: Record<string, string>) =>
  getQuote(apiRequest("GET", `/v1/quotes?${new URLSearchParams(q)}`), routeContext());
const patch = (user: TestUser, id: string, body: unknown) =>
  patchLot(apiRequest("PATCH", `/v1/lots/${id}`, { token: user.token, body }), routeContext({ id }));

describe("rate plans, quotes and the price a booking keeps", () => {
  it("quotes a stay segment by segment in the lot's zone, with the peak band and the daily cap", async () => {
    const lot = await createTestLot({
      counts: { compact: 2 },
      time_zone: "Europe/Amsterdam",
      rate_plan: {
        base_hourly: { compact: 400, large: 600, ev: 500, handicapped: 300 },
        bands: [{ label: "Weekday peak", days: [1, 2, 3, 4, 5], from: "07:00", to: "10:00", multiplier: 1.5 }],
        daily_max: 100_000,
      },
    });
    // Monday 2031-03-03, 06:00–09:00 in Amsterdam (UTC+1) = 05:00–08:00 UTC: one standard hour, two peak hours.
    const res = await quote({
      lot_id: lot.id,
      vehicle_type: "compact",
      start_time: "2031-03-03T05:00:00Z",
      end_time: "2031-03-03T08:00:00Z",
    });
    expect(res.status).toBe(200);
    const q = (await res.json()) as Quote;
    expect(q.currency).toBe("EUR");
    expect(q.line_items.map((l) => [l.from, l.to, l.amount])).toEqual([
      ["2031-03-03T05:00:00.000Z", "2031-03-03T06:00:00.000Z", 400],
      ["2031-03-03T06:00:00.000Z", "2031-03-03T08:00:00.000Z", 1200],
    ]);
    expect(q.total).toBe(1600);
  });

  it("answers 422 for a quote whose end is before its start and 404 for an unknown lot", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    await expectError(
      await quote({
        lot_id: lot.id,
        vehicle_type: "compact",
        start_time: "2031-03-03T08:00:00Z",
        end_time: "2031-03-03T05:00:00Z",
      }),
      422,
      "validation_failed",
    );
    await expectError(
      await quote({
        lot_id: "00000000-0000-4000-8000-000000000000",
        vehicle_type: "compact",
        start_time: "2031-03-03T05:00:00Z",
        end_time: "2031-03-03T08:00:00Z",
      }),
      404,
      "not_found",
    );
  });

  it("lets an operator change the plan, refuses an invalid one, and keeps the price of bookings already made", async () => {
    const lot = await createTestLot({ counts: { compact: 2 } });
    const window = { start_time: at(3, 10).toISOString(), end_time: at(3, 12).toISOString() };
    const booked = await book(
      apiRequest("POST", "/v1/reservations", {
        token: driver.token,
        body: { lot_id: lot.id, vehicle_type: "compact", ...window },
      }),
      routeContext(),
    );
    expect(booked.status).toBe(201);
    const r = (await booked.json()) as { reservation_id: string; amount: number };
    expect(r.amount).toBe(800);

    await expectError(
      await patch(driver, lot.id, { hourly_rates: { compact: 1, large: 1, ev: 1, handicapped: 1 } }),
      403,
      "forbidden",
    );
    await expectError(
      await patch(operator, lot.id, { rate_plan: { base_hourly: { compact: -5 } } }),
      422,
      "validation_failed",
    );
    const res = await patch(operator, lot.id, {
      rate_plan: { base_hourly: { compact: 1000, large: 1000, ev: 1000, handicapped: 1000 }, minimum_charge: 500 },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rate_plan: { minimum_charge: number } }).rate_plan.minimum_charge).toBe(500);

    const newQuote = (await (await quote({ lot_id: lot.id, vehicle_type: "compact", ...window })).json()) as Quote;
    expect(newQuote.total).toBe(2000);
    const again = await getOne(
      apiRequest("GET", `/v1/reservations/${r.reservation_id}`, { token: driver.token }),
      routeContext({ id: r.reservation_id }),
    );
    expect(((await again.json()) as { amount: number }).amount).toBe(800);
  });
});
