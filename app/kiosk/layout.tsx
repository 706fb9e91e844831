import type { Metadata } from "next";

// Metadata only. The kiosk installs as its own full-screen app. Its manifest has no start_url on
// purpose: a browser then starts the installed app at the page it was installed from, i.e. this
// gate's /kiosk/{lotId}/{gateId}, so one static manifest serves every gate.
export const metadata: Metadata = {
  manifest: "/kiosk.webmanifest",
  appleWebApp: { capable: true, title: "Gate kiosk", statusBarStyle: "black-translucent" },
};

export default function KioskLayout({ children }: { children: React.ReactNode }) {
  return children;
}
