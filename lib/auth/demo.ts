import { env } from "@/lib/env";

// The demo's credentials are public (README, seed.ts, derivable from lot names). Outside demo mode
// they are refused even when a database that was once seeded still holds their rows.

export const DEMO_EMAIL_DOMAIN = "@spotkeeper.demo";
export const DEMO_GATE_SECRET_PREFIX = "gk_demo_";

const demoMode = () => env().demo;

export function refusedDemoEmail(email: string): boolean {
  return !demoMode() && email.toLowerCase().endsWith(DEMO_EMAIL_DOMAIN);
}

export function refusedDemoToken(token: string): boolean {
  if (demoMode()) return false;
  const e = env();
  return (
    token === e.DEMO_DRIVER_TOKEN ||
    token === e.DEMO_OPERATOR_TOKEN ||
    token === "demo-driver-token" ||
    token === "demo-operator-token"
  );
}

export function refusedDemoGateSecret(secret: string): boolean {
  return !demoMode() && secret.startsWith(DEMO_GATE_SECRET_PREFIX);
}
