import { env } from "@/lib/env";
import { demoProvider } from "./demo-provider";
import type { PaymentProvider } from "./provider";
import { stripeClient, stripeProvider } from "./stripe-provider";

const g = globalThis as unknown as { __spotkeeperPayments?: { key: string; provider: PaymentProvider } };

/**
 * Real Stripe when STRIPE_SECRET_KEY is set; in demo mode without a key, the in-process provider
 * that behaves like Stripe's test cards; otherwise none (payments answer 503, nothing is faked).
 */
export function paymentProvider(): PaymentProvider | null {
  const e = env();
  const key = `${e.STRIPE_SECRET_KEY ?? ""}|${e.STRIPE_API_BASE ?? ""}|${e.demo}`;
  if (g.__spotkeeperPayments?.key !== key) {
    const provider = e.STRIPE_SECRET_KEY
      ? stripeProvider(stripeClient(e.STRIPE_SECRET_KEY, e.STRIPE_API_BASE))
      : e.demo
        ? demoProvider()
        : null;
    if (!provider) return null;
    g.__spotkeeperPayments = { key, provider };
  }
  return g.__spotkeeperPayments.provider;
}
