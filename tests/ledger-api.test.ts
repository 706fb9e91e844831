import { beforeAll, describe, expect, it } from "vitest";
import { GET as lotPayments } from "@/app/v1/lots/[id]/payments/route";
import { GET as reservationPayments } from "@/app/v1/reservations/[id]/payments/route";
import { apiRequest, at, createTestLot, createUser, expectError, routeContext, type TestUser } from "./fixtures";
import { cancel, paidBooking } from "./support/driver-api";
import { useFakeStripe } from "./support/use-fake-stripe";

// What drivers and operators see of the money: a reservation's ledger and a lot's reconciliation.
useFakeStripe();

type Entry = { kind: string; status: string; amount: number; currency: string; description: string | null };

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

const ofReservation = (user: TestUser, id: string) =>
  reservationPayments(
    apiRequest("GET", `/v1/reservations/${id}/payments`, { token: user.token }),
    routeContext({ id }),
  );
const ofLot = (user: TestUser, id: string, q: Record<string, string>) =>
  lotPayments(
    apiRequest("GET", `/v1/lots/${id}/payments?${new URLSearchParams(q)}`, { token: user.token }),
    routeContext({ id }),
  );

describe("the ledger as drivers and operators read it", () => {
  it("shows the owner the charge and the cancellation refund, netting to zero; others get 404", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(4, 9), at(4, 11));
    expect((await cancel(driver, r.reservation_id)).status).toBe(200);

    const res = await ofReservation(driver, r.reservation_id);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Entry[]; net_paid: number; currency: string };
    expect(body.data.map((e) => [e.kind, e.status, e.amount])).toEqual([
      ["charge", "succeeded", 800],
      ["refund", "succeeded", 800],
    ]);
    expect(body).toMatchObject({ net_paid: 0, currency: "EUR" });
    expect((await ofReservation(operator, r.reservation_id)).status).toBe(200);
    await expectError(await ofReservation(otherDriver, r.reservation_id), 404, "not_found");
  });

  it("totals a lot's succeeded movements for a period, for operators only", async () => {
    const lot = await createTestLot({ counts: { compact: 2 } });
    const from = new Date(Date.now() - 60_000).toISOString();
    const kept = await paidBooking(driver, lot.id, at(5, 9), at(5, 12));
    const cancelled = await paidBooking(driver, lot.id, at(5, 13), at(5, 14));
    expect((await cancel(driver, cancelled.reservation_id)).status).toBe(200);
    const to = new Date(Date.now() + 60_000).toISOString();

    const res = await ofLot(operator, lot.id, { from, to });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { totals: Record<string, number>; data: Entry[] };
    expect(body.totals).toEqual({
      charge: kept.amount + cancelled.amount,
      refund: cancelled.amount,
      penalty: 0,
      adjustment: 0,
      net: kept.amount,
      pending: 0,
      needs_attention: 0,
    });
    expect(body.data).toHaveLength(3);
    await expectError(await ofLot(driver, lot.id, { from, to }), 403, "forbidden");
    await expectError(await ofLot(operator, lot.id, { from: to, to: from }), 422, "validation_failed");
  });
});
