import { describe, expect, it } from "vitest";
import { insertJsonRows } from "@/db/queries/json-rows";
import { gateEvents } from "@/db/schema";

const row = {
  gateId: "00000000-0000-4000-8000-000000000001",
  lotId: "00000000-0000-4000-8000-000000000002",
  kind: "entry" as const,
  identifier: "AB123",
  action: "deny",
};

// Rows travel as one JSON parameter: a key a row leaves out arrives as null, which for a NOT NULL
// column with a default (event_id, occurred_at, offline) would fail the insert or, worse, lose the default.
describe("insertJsonRows", () => {
  it("leaves a column no row sets to its default, and refuses a NOT NULL column only some rows set", () => {
    expect(() => insertJsonRows(gateEvents, [row, row])).not.toThrow();
    expect(() => insertJsonRows(gateEvents, [{ ...row, offline: true }, row])).toThrow(/offline is set on 1 of 2 rows/);
    expect(() => insertJsonRows(gateEvents, [{ ...row, reason: "no_reservation" }, row])).not.toThrow();
  });
});
