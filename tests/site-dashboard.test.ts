import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { bookedValueByCurrency, revenueByDay } from "@/db/queries/dashboard";
import { POST as pay } from "@/app/v1/payments/route";
import { POST as book } from "@/app/v1/reservations/route";
import { revenueCsv } from "@/lib/receipts/revenue-csv";
import { zonedDayBounds } from "@/lib/time/zoned-time";
import { apiRequest, at, createTestLot, createUser, routeContext } from "./fixtures";

// The keyless demo processor takes the payment.
vi.stubEnv("SPOTKEEPER_DEMO", "1");

describe("dashboard money", () => {
  it("adds up a paid booking as the lot's revenue of the day and exports it as CSV", async () => {
    const driver = await createUser();
    const lot = await createTestLot({
      time_zone: "Asia/Tokyo",
      currency: "JPY",
      hourly_rates: { compact: 400, large: 600, ev: 500, handicapped: 400 },
      counts: { compact: 1 },
    });
    const [start, end] = [at(2, 1), at(2, 3)];
    const res = await book(
      apiRequest("POST", "/v1/reservations", {
        token: driver.token,
        body: { lot_id: lot.id, vehicle_type: "compact", start_time: start.toISOString(), end_time: end.toISOString() },
      }),
      routeContext(),
    );
    const r = (await res.json()) as { reservation_id: string; amount: number };
    const paid = await pay(
      apiRequest("POST", "/v1/payments", {
        token: driver.token,
        body: { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: "pm_card_visa" },
      }),
      routeContext(),
    );
    expect(paid.status).toBe(201);

    const now = new Date();
    const day = zonedDayBounds(now, lot.timeZone);
    const days = await revenueByDay(await getDb(), lot.id, day.start, day.end, lot.timeZone);
    expect(days).toEqual([
      { day: expect.any(String), currency: "JPY", charged: 800, refunded: 0, net: 800, movements: 1 },
    ]);
    const csv = revenueCsv(lot.name, lot.timeZone, days).split("\r\n");
    expect(csv[1]).toBe(`"${lot.name}","Asia/Tokyo","${days[0]!.day}","JPY","800","0","800","1"`);

    const booked = await bookedValueByCurrency(await getDb(), [lot.id], start, end);
    expect(booked).toEqual([{ lotId: lot.id, currency: "JPY", amount: 800, n: 1 }]);
  });
});
