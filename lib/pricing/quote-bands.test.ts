import { describe, expect, it } from "vitest";
import { quote } from "./quote";
import { describeLines, plan } from "./test-helpers";

// 2025-06-11 is a Wednesday, 2025-06-13 a Friday, 2025-06-14 a Saturday; Amsterdam is UTC+2 in June.
const AMS = "Europe/Amsterdam";
const PEAK = { label: "Weekday peak", days: [1, 2, 3, 4, 5], from: "07:00", to: "10:00", multiplier: 1.5 };
const NIGHT = { label: "Night", days: [1, 2, 3, 4, 5, 6, 7], from: "22:00", to: "06:00", multiplier: 0.6 };
const WEEKEND = { label: "Weekend", days: [6, 7], from: "00:00", to: "24:00", multiplier: 0.8 };

const compact = (bands: unknown[], start: string, end: string, timeZone = AMS) =>
  quote(plan({ bands: bands as never }), {
    vehicleType: "compact",
    start: new Date(start),
    end: new Date(end),
    timeZone,
  });

describe("rate bands", () => {
  it("charges weekday peak hours at the peak multiplier and the rest at the standard rate", () => {
    const q = compact([PEAK], "2025-06-11T06:00:00+02:00", "2025-06-11T11:00:00+02:00");
    expect(describeLines(q, AMS)).toEqual([
      "2025-06-11 06:00–07:00 Standard rate 400",
      "2025-06-11 07:00–10:00 Weekday peak ×1.5 1800",
      "2025-06-11 10:00–11:00 Standard rate 400",
    ]);
    expect(q.line_items[1].rate).toBe(600);
    expect(q.total).toBe(2600);
  });

  it("does not apply a weekday band on a Saturday", () => {
    const q = compact([PEAK], "2025-06-14T07:00:00+02:00", "2025-06-14T10:00:00+02:00");
    expect(describeLines(q, AMS)).toEqual(["2025-06-14 07:00–10:00 Standard rate 1200"]);
  });

  it("applies a weekend band all day Saturday", () => {
    const q = compact([PEAK, WEEKEND], "2025-06-14T10:00:00+02:00", "2025-06-14T12:00:00+02:00");
    expect(describeLines(q, AMS)).toEqual(["2025-06-14 10:00–12:00 Weekend ×0.8 640"]);
  });

  it("wraps a 22:00–06:00 night band past midnight and splits the line at local midnight", () => {
    const q = compact([NIGHT], "2025-06-11T21:00:00+02:00", "2025-06-12T07:00:00+02:00");
    expect(describeLines(q, AMS)).toEqual([
      "2025-06-11 21:00–22:00 Standard rate 400",
      "2025-06-11 22:00–00:00 Night ×0.6 480",
      "2025-06-12 00:00–06:00 Night ×0.6 1440",
      "2025-06-12 06:00–07:00 Standard rate 400",
    ]);
    expect(q.total).toBe(2720);
  });

  it("counts the early hours of a wrapping band as part of the day it starts on", () => {
    const fridayNight = { ...NIGHT, label: "Friday night", days: [5] };
    // Saturday 02:00 is still Friday night; Friday 02:00 would be Thursday night, which is not listed.
    expect(
      describeLines(compact([fridayNight], "2025-06-14T02:00:00+02:00", "2025-06-14T03:00:00+02:00"), AMS),
    ).toEqual(["2025-06-14 02:00–03:00 Friday night ×0.6 240"]);
    expect(
      describeLines(compact([fridayNight], "2025-06-13T02:00:00+02:00", "2025-06-13T03:00:00+02:00"), AMS),
    ).toEqual(["2025-06-13 02:00–03:00 Standard rate 400"]);
  });

  it("prices overlapping bands at the highest multiplier", () => {
    const fridayRush = { label: "Friday rush", days: [5], from: "08:00", to: "09:00", multiplier: 2 };
    const q = compact([PEAK, fridayRush], "2025-06-13T07:00:00+02:00", "2025-06-13T10:00:00+02:00");
    expect(describeLines(q, AMS)).toEqual([
      "2025-06-13 07:00–08:00 Weekday peak ×1.5 600",
      "2025-06-13 08:00–09:00 Friday rush ×2 800",
      "2025-06-13 09:00–10:00 Weekday peak ×1.5 600",
    ]);
    // Saturday 23:00 is both weekend (×0.8) and night (×0.6): the weekend rate applies.
    const late = compact([NIGHT, WEEKEND], "2025-06-14T23:00:00+02:00", "2025-06-15T00:00:00+02:00");
    expect(describeLines(late, AMS)).toEqual(["2025-06-14 23:00–00:00 Weekend ×0.8 320"]);
  });

  it("names the first listed band when overlapping bands have the same multiplier", () => {
    const school = { label: "School run", days: [3], from: "08:00", to: "09:00", multiplier: 1.5 };
    const q = compact([school, PEAK], "2025-06-11T08:00:00+02:00", "2025-06-11T09:00:00+02:00");
    expect(describeLines(q, AMS)).toEqual(["2025-06-11 08:00–09:00 School run ×1.5 600"]);
  });

  it("splits a stay crossing midnight into one line per local day even without bands", () => {
    const q = compact([], "2025-06-11T22:00:00+09:00", "2025-06-12T02:00:00+09:00", "Asia/Tokyo");
    expect(describeLines(q, "Asia/Tokyo")).toEqual([
      "2025-06-11 22:00–00:00 Standard rate 800",
      "2025-06-12 00:00–02:00 Standard rate 800",
    ]);
  });

  it("reads band times on the lot's clocks, not in UTC", () => {
    // 14:00–15:00 UTC is 07:00 in Los Angeles (peak) but 23:00 in Tokyo (not).
    const [start, end] = ["2025-06-11T14:00:00Z", "2025-06-11T15:00:00Z"];
    expect(compact([PEAK], start, end, "America/Los_Angeles").total).toBe(600);
    expect(compact([PEAK], start, end, "Asia/Tokyo").total).toBe(400);
  });

  it("bills a band ending at 24:00 up to midnight", () => {
    const evening = { label: "Evening", days: [3], from: "18:00", to: "24:00", multiplier: 1.25 };
    const q = compact([evening], "2025-06-11T23:00:00+02:00", "2025-06-12T01:00:00+02:00");
    expect(describeLines(q, AMS)).toEqual([
      "2025-06-11 23:00–00:00 Evening ×1.25 500",
      "2025-06-12 00:00–01:00 Standard rate 400",
    ]);
  });
});
