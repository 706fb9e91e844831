import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { getSessionCaller } from "@/lib/auth/session";
import { SiteHeader } from "@/components/site-header";
import "./globals.css";

// Every page reads the session and the database per request; nothing here may be prerendered at
// build time, when no database is reachable.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Spotkeeper — reserve your parking spot", template: "%s · Spotkeeper" },
  description: "Book a specific parking spot by vehicle type, pay, and drive straight through the gate.",
};

export const viewport: Viewport = { themeColor: "#1d3fd8", width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const caller = await getSessionCaller();
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <SiteHeader caller={caller} />
        <main id="main" className="container main">
          {children}
        </main>
        <footer className="site-footer">
          <div className="container footer-inner">
            <span>© Spotkeeper</span>
            <span>
              Developers: <Link href="/v1/openapi.json">REST API (OpenAPI)</Link>
            </span>
          </div>
        </footer>
      </body>
    </html>
  );
}
