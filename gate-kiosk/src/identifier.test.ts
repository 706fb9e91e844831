import { describe, expect, it } from "vitest";
import { classifyIdentifier } from "./identifier.js";

describe("scanned identifiers", () => {
  it("normalises plates the way the server does", () => {
    expect(classifyIdentifier(" ab-12 cde ")).toEqual({ kind: "plate", value: "AB12CDE" });
    expect(classifyIdentifier("m·ab.123")).toEqual({ kind: "plate", value: "MAB123" });
  });

  it("recognises a QR pass, bare or inside the link printed on it", () => {
    const token = "eyJhbGciOiJFZERTQSJ9.eyJyaWQiOiJ4In0.c2lnbmF0dXJl";
    expect(classifyIdentifier(token)).toEqual({ kind: "qr", value: token });
    expect(classifyIdentifier(`https://spotkeeper.example/pass/${token}`)).toEqual({ kind: "qr", value: token });
    expect(classifyIdentifier(`https://spotkeeper.example/p?token=${token}`)).toEqual({ kind: "qr", value: token });
  });

  it("ignores blank reads", () => {
    expect(classifyIdentifier("  \t")).toBeNull();
    expect(classifyIdentifier("- -")).toBeNull();
  });
});
