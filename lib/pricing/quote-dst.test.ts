import { describe, expect, it } from "vitest";
import { quote } from "./quote";
import { describeLines, hours, plan } from "./test-helpers";

// 2025 changes: Amsterdam springs forward 30 March 02:00 → 03:00 and falls back 26 October
// 03:00 → 02:00; Los Angeles springs forward 9 March 02:00 → 03:00 and falls back 2 November
// 02:00 → 01:00. Stays are written with the offset in force at each end, as the lot's clocks read.
const AMS = "Europe/Amsterdam";
const LA = "America/Los_Angeles";
const MORNING = { label: "Morning", days: [1, 2, 3, 4, 5, 6, 7], from: "07:00", to: "10:00", multiplier: 1.5 };
const NIGHT = { label: "Night", days: [1, 2, 3, 4, 5, 6, 7], from: "22:00", to: "06:00", multiplier: 0.5 };

const compact = (bands: unknown[], start: string, end: string, timeZone: string) =>
  quote(plan({ bands: bands as never }), {
    vehicleType: "compact",
    start: new Date(start),
    end: new Date(end),
    timeZone,
  });
const billedHours = (q: ReturnType<typeof quote>) => q.line_items.reduce((h, i) => h + hours(i), 0);

describe("daylight saving time", () => {
  it("bills 23 hours for a spring-forward day in Amsterdam and keeps the morning band at 07:00 local", () => {
    const q = compact([MORNING], "2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00", AMS);
    expect(describeLines(q, AMS)).toEqual([
      "2025-03-30 00:00–07:00 Standard rate 2400", // 6 real hours: 02:00–03:00 never happened
      "2025-03-30 07:00–10:00 Morning ×1.5 1800",
      "2025-03-30 10:00–00:00 Standard rate 5600",
    ]);
    expect(q.line_items.map(hours)).toEqual([6, 3, 14]);
    expect(q.line_items[1].from).toBe("2025-03-30T05:00:00.000Z");
    expect(q.total).toBe(23 * 400 + 3 * 200);
  });

  it("bills 25 hours for a fall-back day in Amsterdam and the night band for its extra hour", () => {
    const q = compact([NIGHT], "2025-10-25T20:00:00+02:00", "2025-10-26T08:00:00+01:00", AMS);
    expect(describeLines(q, AMS)).toEqual([
      "2025-10-25 20:00–22:00 Standard rate 800",
      "2025-10-25 22:00–00:00 Night ×0.5 400",
      "2025-10-26 00:00–06:00 Night ×0.5 1400", // 7 real hours: 02:00–03:00 happened twice
      "2025-10-26 06:00–08:00 Standard rate 800",
    ]);
    expect(billedHours(q)).toBe(13);
    const whole = compact([], "2025-10-26T00:00:00+02:00", "2025-10-27T00:00:00+01:00", AMS);
    expect(billedHours(whole)).toBe(25);
    expect(whole.total).toBe(25 * 400);
  });

  it("bills 23 hours for a spring-forward day in Los Angeles with band edges in local time", () => {
    const q = compact([MORNING], "2025-03-09T00:00:00-08:00", "2025-03-10T00:00:00-07:00", LA);
    expect(describeLines(q, LA)).toEqual([
      "2025-03-09 00:00–07:00 Standard rate 2400",
      "2025-03-09 07:00–10:00 Morning ×1.5 1800",
      "2025-03-09 10:00–00:00 Standard rate 5600",
    ]);
    expect(q.line_items[1].from).toBe("2025-03-09T14:00:00.000Z");
    expect(q.line_items[1].to).toBe("2025-03-09T17:00:00.000Z");
  });

  it("bills 25 hours for a fall-back day in Los Angeles and a band on the repeated hour twice", () => {
    const repeated = { label: "Late", days: [7], from: "01:00", to: "02:00", multiplier: 2 };
    const q = compact([repeated], "2025-11-02T00:00:00-07:00", "2025-11-03T00:00:00-08:00", LA);
    expect(describeLines(q, LA)).toEqual([
      "2025-11-02 00:00–01:00 Standard rate 400",
      "2025-11-02 01:00–02:00 Late ×2 1600", // 01:00 PDT to 02:00 PST: two real hours
      "2025-11-02 02:00–00:00 Standard rate 8800",
    ]);
    expect(q.line_items.map(hours)).toEqual([1, 2, 22]);
    expect(billedHours(q)).toBe(25);
  });

  it("starts a band whose start time is skipped by spring-forward when the clocks jump", () => {
    const early = { label: "Early", days: [7], from: "02:30", to: "05:00", multiplier: 2 };
    const q = compact([early], "2025-03-30T01:00:00+01:00", "2025-03-30T06:00:00+02:00", AMS);
    expect(describeLines(q, AMS)).toEqual([
      "2025-03-30 01:00–03:00 Standard rate 400", // one real hour: 01:00 CET to 03:00 CEST
      "2025-03-30 03:00–05:00 Early ×2 1600",
      "2025-03-30 05:00–06:00 Standard rate 400",
    ]);
  });

  it("cuts the daily maximum window after 24 elapsed hours, not at the same wall-clock time", () => {
    const capped = quote(plan({ daily_max: 5000 }), {
      vehicleType: "compact",
      start: new Date("2025-03-29T12:00:00+01:00"),
      end: new Date("2025-03-30T14:00:00+02:00"), // 25 real hours later
      timeZone: AMS,
    });
    const cap = capped.line_items.find((i) => i.reason === "Daily maximum")!;
    expect(cap.to).toBe("2025-03-30T11:00:00.000Z"); // 13:00 CEST, 24 h after 12:00 CET
    expect(capped.total).toBe(5000 + 400);
  });
});
