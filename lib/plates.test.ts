import { describe, expect, it } from "vitest";
import { normalizePlate, PLATE_PATTERN } from "./plates";

describe("normalizePlate", () => {
  it("upper-cases and drops spaces, dashes, dots and middle dots", () => {
    expect(normalizePlate("ab-12 c")).toBe("AB12C");
    expect(normalizePlate(" 7·abc.123 ")).toBe("7ABC123");
    expect(normalizePlate("xy–99—z")).toBe("XY99Z");
  });

  it("folds full-width characters typed on Japanese keyboards to ASCII", () => {
    expect(normalizePlate("ＡＢ１２３")).toBe("AB123");
  });

  it("makes differently typed spellings of one plate equal", () => {
    expect(normalizePlate("hh-ab 123")).toBe(normalizePlate("HHAB123"));
  });

  it("keeps characters that are not separators, so the pattern can reject them", () => {
    expect(normalizePlate("AB#12")).toBe("AB#12");
  });
});

describe("PLATE_PATTERN", () => {
  it("accepts 2 to 12 letters or digits", () => {
    for (const p of ["AB", "AB12C", "123456789012", "ÄÖ12"]) expect(PLATE_PATTERN.test(p)).toBe(true);
  });

  it("rejects too short, too long and punctuation", () => {
    for (const p of ["A", "1234567890123", "AB#12", "AB 12", ""]) expect(PLATE_PATTERN.test(p)).toBe(false);
  });

  it("rejects lower case (plates are compared normalised)", () => {
    expect(PLATE_PATTERN.test("ab12")).toBe(false);
  });
});
