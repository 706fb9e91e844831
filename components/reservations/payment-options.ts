import "server-only";
import type { Db } from "@/db/client";
import { paymentProvider } from "@/lib/payments";
import { savedCardsFor } from "@/lib/payments/saved-cards";
import type { PaymentOptions } from "./reservation-item";
import { DEMO_TEST_CARDS } from "./test-cards";

// Read when the page renders, not inlined at build time as a `process.env.NEXT_PUBLIC_…` member
// would be: one build serves any deployment's key (and the keyless demo).
const PUBLISHABLE_KEY = "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY";

/**
 * How this server takes cards: the demo's test cards, Stripe's Payment Element (with the driver's
 * saved cards), or not at all. `withCards`: a page with nothing to pay skips the call to Stripe.
 */
export async function paymentOptions(db: Db, userId: string, withCards: boolean): Promise<PaymentOptions> {
  const provider = paymentProvider();
  const publishableKey = (provider?.name === "stripe" && process.env[PUBLISHABLE_KEY]) || null;
  return {
    available: !!provider,
    testCards: provider?.name === "demo" ? DEMO_TEST_CARDS : null,
    publishableKey,
    savedCards: publishableKey && withCards ? await savedCardsFor(db, userId) : [],
  };
}
