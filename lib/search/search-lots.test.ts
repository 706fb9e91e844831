import { describe, expect, it } from "vitest";
import { LotSearch } from "./search-lots";

describe("LotSearch", () => {
  it("reads empty form fields as not given, not as zero", () => {
    expect(LotSearch.parse({ q: "Tokyo", max_price: "", start: "", near: "", sort: "name" })).toEqual({
      q: "Tokyo",
      sort: "name",
    });
  });
});
