import type { Metadata } from "next";

type Params = { params: Promise<{ lotId: string; gateId: string }> };

// Metadata only: the kiosk installs as its own full-screen app that reopens at this gate.
export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { lotId, gateId } = await params;
  const query = new URLSearchParams({ lot: lotId, gate: gateId });
  return {
    manifest: `/kiosk.webmanifest?${query}`,
    appleWebApp: { capable: true, title: "Gate kiosk", statusBarStyle: "black-translucent" },
  };
}

export default function KioskGateLayout({ children }: { children: React.ReactNode }) {
  return children;
}
