import "server-only";
import { paymentProvider } from "@/lib/payments";
import type { PaymentOptions } from "./reservation-item";
import { DEMO_TEST_CARDS } from "./test-cards";

/** How this server takes cards: the demo's test cards, Stripe's Payment Element, or not at all. */
export function paymentOptions(): PaymentOptions {
  const provider = paymentProvider();
  return {
    available: !!provider,
    testCards: provider?.name === "demo" ? DEMO_TEST_CARDS : null,
    publishableKey: process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY || null,
  };
}
