import { describe, expect, it } from "vitest";
import { distanceKm } from "./distance";

describe("distanceKm", () => {
  it("measures Amsterdam to Tokyo along the great circle", () => {
    expect(distanceKm([52.3752, 4.884], [35.6595, 139.7005])).toBeCloseTo(9290, -2);
  });
  it("is zero for the same point", () => {
    expect(distanceKm([37.768, -122.3877], [37.768, -122.3877])).toBe(0);
  });
});
