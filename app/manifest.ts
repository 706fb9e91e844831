import type { MetadataRoute } from "next";

// The booking site as an installable app (served at /manifest.webmanifest and linked from every page).
// Each gate kiosk has its own, full-screen one: app/kiosk.webmanifest/route.ts.
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/",
    name: "Spotkeeper — reserve your parking spot",
    short_name: "Spotkeeper",
    description: "Book a specific parking spot by vehicle type, pay, and drive straight through the gate.",
    start_url: "/",
    scope: "/",
    display: "standalone",
    background_color: "#f6f7fb",
    theme_color: "#1d3fd8",
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}
