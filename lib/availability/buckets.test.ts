import { describe, expect, it } from "vitest";
import { coveredHours, HOUR_MS, touchedHours } from "./buckets";

const h0 = 500_000; // an arbitrary epoch hour (in 2027)
const at = (hour: number, minute = 0, ms = 0) => new Date(hour * HOUR_MS + minute * 60_000 + ms);

describe("coveredHours", () => {
  it("lists the hours a window covers completely, aligned window", () => {
    expect(coveredHours(at(h0), at(h0 + 3))).toEqual([h0, h0 + 1, h0 + 2]);
  });

  it("leaves out partly covered hours at both ends", () => {
    expect(coveredHours(at(h0, 30), at(h0 + 3, 30))).toEqual([h0 + 1, h0 + 2]);
  });

  it("is empty for a window shorter than an hour or straddling one boundary", () => {
    expect(coveredHours(at(h0, 10), at(h0, 50))).toEqual([]);
    expect(coveredHours(at(h0, 30), at(h0 + 1, 30))).toEqual([]);
  });

  it("is empty when a millisecond is missing at either end", () => {
    expect(coveredHours(at(h0, 0, 1), at(h0 + 1))).toEqual([]);
    expect(coveredHours(at(h0), at(h0 + 1, 0, -1))).toEqual([]);
  });

  it("counts exactly one hour for a window of exactly that hour (end is exclusive)", () => {
    expect(coveredHours(at(h0), at(h0 + 1))).toEqual([h0]);
  });

  it("is empty for an empty window", () => {
    expect(coveredHours(at(h0), at(h0))).toEqual([]);
  });
});

describe("touchedHours", () => {
  it("lists every hour a window overlaps, partly or wholly", () => {
    expect(touchedHours(at(h0, 30), at(h0 + 2, 15))).toEqual([h0, h0 + 1, h0 + 2]);
  });

  it("does not touch the hour that starts exactly at the end (half-open)", () => {
    expect(touchedHours(at(h0), at(h0 + 2))).toEqual([h0, h0 + 1]);
  });

  it("touches the next hour when the window runs one millisecond into it", () => {
    expect(touchedHours(at(h0), at(h0 + 2, 0, 1))).toEqual([h0, h0 + 1, h0 + 2]);
  });

  it("touches the one hour a short window lies in", () => {
    expect(touchedHours(at(h0, 10), at(h0, 20))).toEqual([h0]);
  });

  it("always includes every covered hour", () => {
    const windows: [Date, Date][] = [
      [at(h0, 15), at(h0 + 5, 45)],
      [at(h0), at(h0 + 1)],
      [at(h0, 59), at(h0 + 1, 1)],
    ];
    for (const [s, e] of windows) {
      const touched = new Set(touchedHours(s, e));
      expect(coveredHours(s, e).every((h) => touched.has(h))).toBe(true);
    }
  });
});
