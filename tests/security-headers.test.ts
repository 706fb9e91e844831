import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import nextConfig from "../next.config";

// The Content-Security-Policy must let in what our own pages load from elsewhere: a third-party
// origin added to a page without its CSP entry fails silently in the browser (a grey map, a
// payment form that never appears), so the config is checked against the code that loads them.
async function policyFor(source: string) {
  const rules = await nextConfig.headers!();
  const header = rules.find((r) => r.source === source)?.headers.find((h) => h.key === "Content-Security-Policy");
  expect(header, `a CSP for ${source}`).toBeDefined();
  return Object.fromEntries(
    header!.value.split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  ) as Record<string, string[]>;
}

describe("security headers", () => {
  it("let the lot map load its tiles and Stripe its script and frames, and forbid framing", async () => {
    const csp = await policyFor("/((?!v1/).*)");
    const tileUrl = /url="(https:\/\/[^"{]+)\//.exec(readFileSync("components/lots/lot-map-leaflet.tsx", "utf8"))?.[1];
    expect(tileUrl, "the map's tile URL").toBeDefined();
    expect(csp["img-src"]).toContain(new URL(tileUrl!).origin);
    expect(csp["script-src"]).toContain("https://js.stripe.com");
    expect(csp["frame-src"]).toContain("https://js.stripe.com");
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["object-src"]).toEqual(["'none'"]);
  });

  it("give the API's JSON a policy that loads nothing and forbids framing", async () => {
    expect(await policyFor("/v1/:path*")).toEqual({ "default-src": ["'none'"], "frame-ancestors": ["'none'"] });
  });
});
