import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { PATCH as patchLot } from "@/app/v1/lots/[id]/route";
import { getDb } from "@/db/client";
import { reservations } from "@/db/schema";
import { chargeNoShowPenalty } from "@/lib/payments/no-show-penalty";
import { markNoShowIfDue } from "@/lib/workflows/no-show";
import { apiRequest, at, createTestLot, routeContext, testPeople } from "./fixtures";
import { cancel, paidBooking } from "./support/driver-api";
import { useFakeStripe } from "./support/use-fake-stripe";

// Overstay, no-show and cancellation amounts follow the policy shown at booking, not a lot edited
// afterwards (issue 10).
useFakeStripe();

const { driver, operator } = testPeople();

const patch = async (id: string, body: unknown) => {
  const res = await patchLot(
    apiRequest("PATCH", `/v1/lots/${id}`, { token: operator.token, body }),
    routeContext({ id }),
  );
  expect(res.status).toBe(200);
};

describe("the policy shown at booking", () => {
  it("is returned with the booking, including the overstay cap of a lot without a daily maximum", async () => {
    const lot = await createTestLot({ counts: { compact: 1 }, grace_minutes: 20, no_show_penalty: 700 });
    const r = (await paidBooking(driver, lot.id, at(3, 9), at(3, 10))) as unknown as { policy: Record<string, number> };
    expect(r.policy).toMatchObject({ grace_minutes: 20, no_show_penalty: 700, overstay_tolerance_minutes: 10 });
    expect(r.policy.overstay_daily_cap).toBeGreaterThan(0);
  });

  it("decides the cancellation refund even after the operator tightened the terms", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } }); // full refund until the start
    const r = await paidBooking(driver, lot.id, at(3, 12), at(3, 14));
    await patch(lot.id, { cancel_full_refund_minutes_before: 30 * 24 * 60, cancel_late_refund_percent: 0 });
    const res = await cancel(driver, r.reservation_id);
    expect(await res.json()).toMatchObject({ refund_amount: r.amount });
  });

  it("decides the no-show grace and penalty even after the operator raised them", async () => {
    const lot = await createTestLot({ counts: { compact: 1 }, grace_minutes: 15, no_show_penalty: 500 });
    const r = await paidBooking(driver, lot.id, at(3, 15), at(3, 16));
    await patch(lot.id, { grace_minutes: 600, no_show_penalty: 9000 });
    const db = await getDb();
    const start = new Date(r.start_time);
    expect(
      await markNoShowIfDue(db, r.reservation_id, new Date(start.getTime() + 16 * 60_000), "scheduler"),
    ).toMatchObject({ outcome: "marked" });
    expect(await chargeNoShowPenalty(db, r.reservation_id)).toMatchObject({ amount: 500 });
    const [row] = await db.select().from(reservations).where(eq(reservations.id, r.reservation_id));
    expect(row!.status).toBe("no_show");
  });
});
