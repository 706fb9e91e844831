import { describe, expect, it } from "vitest";
import { PATCH as patchLot } from "@/app/v1/lots/[id]/route";
import { apiRequest, at, createTestLot, expectError, routeContext, testPeople } from "./fixtures";
import { bookOk, cancel } from "./support/driver-api";

// Money moves in the currency a booking was made in; changing a lot's currency under unfinished
// bookings would refund or charge them in another one.
const { driver, operator } = testPeople();

const patch = (id: string, body: unknown) =>
  patchLot(apiRequest("PATCH", `/v1/lots/${id}`, { token: operator.token, body }), routeContext({ id }));

describe("changing a lot's currency", () => {
  it("answers 409 while the lot has unfinished bookings, and is allowed once they are finished", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, at(3, 9), at(3, 10));
    const err = await expectError(await patch(lot.id, { currency: "USD" }), 409, "conflict");
    expect(err.details).toMatchObject({ unfinished_bookings: 1 });
    // Other fields can still change; the same currency is not a change.
    expect((await patch(lot.id, { name: "Renamed", currency: lot.currency })).status).toBe(200);

    expect((await cancel(driver, r.reservation_id)).status).toBe(200);
    const res = await patch(lot.id, { currency: "USD" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ currency: "USD" });
  });
});
