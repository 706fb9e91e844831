import { describe, expect, it } from "vitest";
import { GET } from "@/app/kiosk.webmanifest/route";

const lot = "0fe96041-3c71-454e-9479-41a5ce7ffda7";
const gate = "a5f64696-9502-4ffc-90c5-c8664f4e9ddd";

describe("GET /kiosk.webmanifest", () => {
  it("makes the gate's kiosk an installable full-screen app that reopens at that gate", async () => {
    const res = GET(new Request(`http://spotkeeper.test/kiosk.webmanifest?lot=${lot}&gate=${gate}`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/manifest+json");
    const manifest = await res.json();
    expect(manifest).toMatchObject({ start_url: `/kiosk/${lot}/${gate}`, display: "fullscreen" });
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(["192x192", "512x512", "512x512"]);
  });

  it("answers 400 when the lot or gate is not an id", async () => {
    const res = GET(new Request(`http://spotkeeper.test/kiosk.webmanifest?lot=${lot}&gate=../../v1`));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("validation_failed");
  });
});
