import type { MetadataRoute } from "next";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// GET /kiosk.webmanifest?lot=…&gate=… – the gate kiosk as an installable full-screen app. One manifest
// per gate, because Chromium installs only with an explicit start_url, and the kiosk must reopen at its
// own gate. Linked from app/kiosk/[lotId]/[gateId]/layout.tsx; the page itself checks the ids.
export function GET(req: Request) {
  const params = new URL(req.url).searchParams;
  const [lot, gate] = [params.get("lot") ?? "", params.get("gate") ?? ""];
  if (!UUID.test(lot) || !UUID.test(gate)) {
    return Response.json(
      { error: { code: "validation_failed", message: "lot and gate must be ids", details: null } },
      { status: 400 },
    );
  }
  const start = `/kiosk/${lot}/${gate}`;
  const manifest: MetadataRoute.Manifest = {
    id: start,
    name: "Spotkeeper gate kiosk",
    short_name: "Gate kiosk",
    description: "The screen beside a Spotkeeper barrier: live entry and exit decisions.",
    start_url: start,
    scope: start,
    display: "fullscreen",
    display_override: ["fullscreen", "standalone"],
    background_color: "#0b1f4d",
    theme_color: "#0b1f4d",
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
  return new Response(JSON.stringify(manifest), { headers: { "content-type": "application/manifest+json" } });
}
