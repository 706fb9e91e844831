import { describe, expect, it } from "vitest";
import { DAY_MS, offsetAt, offsetSpans } from "./local-time";

const t = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe("offsetSpans", () => {
  it("finds a spring-forward change to the millisecond", () => {
    const spans = offsetSpans("Europe/Amsterdam", t("2025-03-29T00:00:00Z"), t("2025-03-31T00:00:00Z"));
    expect(spans).toEqual([
      { from: t("2025-03-29T00:00:00Z"), to: t("2025-03-30T01:00:00Z"), offset: HOUR },
      { from: t("2025-03-30T01:00:00Z"), to: t("2025-03-31T00:00:00Z"), offset: 2 * HOUR },
    ]);
  });

  it("finds both changes of a year in Los Angeles", () => {
    const spans = offsetSpans("America/Los_Angeles", t("2025-01-01T00:00:00Z"), t("2026-01-01T00:00:00Z"));
    expect(spans.map((s) => [new Date(s.from).toISOString(), s.offset / HOUR])).toEqual([
      ["2025-01-01T00:00:00.000Z", -8],
      ["2025-03-09T10:00:00.000Z", -7],
      ["2025-11-02T09:00:00.000Z", -8],
    ]);
  });

  it("returns one span for a zone without daylight saving time", () => {
    expect(offsetSpans("Asia/Tokyo", t("2025-03-01T00:00:00Z"), t("2025-03-01T00:00:00Z") + 60 * DAY_MS)).toHaveLength(
      1,
    );
    expect(offsetAt("Asia/Tokyo", t("2025-03-01T00:00:00Z"))).toBe(9 * HOUR);
  });

  it("handles a change that falls exactly on the end of the range", () => {
    const spans = offsetSpans("Europe/Amsterdam", t("2025-03-30T00:00:00Z"), t("2025-03-30T01:00:00Z"));
    expect(spans).toEqual([{ from: t("2025-03-30T00:00:00Z"), to: t("2025-03-30T01:00:00Z"), offset: HOUR }]);
  });

  it("handles half-hour offsets and half-hour changes (Lord Howe Island)", () => {
    const spans = offsetSpans("Australia/Lord_Howe", t("2025-04-05T00:00:00Z"), t("2025-04-07T00:00:00Z"));
    expect(spans.map((s) => s.offset / HOUR)).toEqual([11, 10.5]);
  });
});
