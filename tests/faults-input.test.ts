import { describe, expect, it, beforeAll } from "vitest";
import { GET as availabilityRoute } from "@/app/v1/lots/[id]/availability/route";
import { PATCH as patchLot } from "@/app/v1/lots/[id]/route";
import { POST as createLotRoute } from "@/app/v1/lots/route";
import { GET as quotesRoute } from "@/app/v1/quotes/route";
import { apiRequest, createTestLot, createUser, expectError, routeContext, type TestUser } from "./fixtures";
import { book } from "./support/driver-api";
import { createGate } from "./support/gates";

// Hostile input seen in the wild: calendar-edge instants and control characters in names.
let operator: TestUser;
let driver: TestUser;
beforeAll(async () => {
  [operator, driver] = await Promise.all([createUser("operator"), createUser("driver")]);
});

const EDGES = [
  ["0000-01-01T00:00:00Z", "0000-01-01T02:00:00Z"],
  ["0000-01-01T00:00:00+14:00", "0000-01-01T05:00:00+14:00"],
  ["9999-12-31T20:00:00Z", "9999-12-31T23:59:59-14:00"],
  ["9999-12-31T22:00:00+14:00", "9999-12-31T23:59:59.999-12:00"],
  ["1969-12-31T23:00:00Z", "1970-01-01T01:00:00Z"],
] as const;

describe("instants at the edges of the calendar", () => {
  it.each(EDGES)("answer 422 on quotes, availability and bookings (%s → %s)", async (start, end) => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const q = new URLSearchParams({ lot_id: lot.id, vehicle_type: "compact", start_time: start, end_time: end });
    await expectError(
      await quotesRoute(apiRequest("GET", `/v1/quotes?${q}`), routeContext()),
      422,
      "validation_failed",
    );
    const a = new URLSearchParams({ start_time: start, end_time: end });
    await expectError(
      await availabilityRoute(apiRequest("GET", `/v1/lots/${lot.id}/availability?${a}`), routeContext({ id: lot.id })),
      422,
      "validation_failed",
    );
    await expectError(
      await book(driver, lot.id, new Date(start), new Date(end)).catch(() => new Response(null, { status: 599 })),
      422,
      "validation_failed",
    );
  });
});

describe("control characters in names", () => {
  const base = { address: "1 Test St", time_zone: "Europe/Amsterdam", currency: "EUR" };
  it.each(["Lot\u0000One", "Lot\u0007", "Lot\u001b[31mred", "Lot\u007f"])(
    "reject %j as a lot name with 422",
    async (name) => {
      const res = await createLotRoute(
        apiRequest("POST", "/v1/lots", { token: operator.token, body: { ...base, name } }),
        routeContext(),
      );
      await expectError(res, 422, "validation_failed");
      const lot = await createTestLot({ counts: { compact: 1 } });
      await expectError(
        await patchLot(
          apiRequest("PATCH", `/v1/lots/${lot.id}`, { token: operator.token, body: { address: `x${name}` } }),
          routeContext({ id: lot.id }),
        ),
        422,
        "validation_failed",
      );
    },
  );

  it("rejects a NUL in a gate name with 422", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    await expect(createGate(operator, lot.id, "entry", "Gate\u0000A")).rejects.toThrow(/422/);
  });
});
