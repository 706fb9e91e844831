import { describe, expect, it } from "vitest";
import { auditChanges } from "./audit-changes";

describe("auditChanges", () => {
  it("lists the fields an edit changed, nested ones by path, without the timestamps every write touches", () => {
    const before = {
      name: "Canal",
      graceMinutes: 30,
      ratePlan: { base_hourly: { compact: 400, ev: 500 } },
      updatedAt: "2026-01-01T00:00:00Z",
    };
    const after = {
      name: "Canal",
      graceMinutes: 20,
      ratePlan: { base_hourly: { compact: 750, ev: 500 } },
      updatedAt: "2026-01-02T00:00:00Z",
    };
    expect(auditChanges(before, after)).toEqual([
      { field: "graceMinutes", from: "30", to: "20" },
      { field: "ratePlan.base_hourly.compact", from: "400", to: "750" },
    ]);
  });

  it("shows what appeared and what went, and shortens long values", () => {
    expect(auditChanges(null, { reason: "x".repeat(100) })).toEqual([
      { field: "reason", from: "—", to: `${"x".repeat(59)}…` },
    ]);
    expect(auditChanges({ role: "manager" }, null)).toEqual([{ field: "role", from: "manager", to: "—" }]);
    expect(auditChanges({ moved: [] }, { moved: [{ from: "C-001", to: "C-002" }] })).toEqual([
      { field: "moved", from: "[]", to: '[{"from":"C-001","to":"C-002"}]' },
    ]);
  });

  it("finds nothing to show when nothing changed", () => {
    expect(auditChanges({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
