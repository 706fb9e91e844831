import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Spotkeeper — reserve your parking spot",
  description: "Book a specific parking spot by vehicle type, pay, and drive straight through the gate.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
