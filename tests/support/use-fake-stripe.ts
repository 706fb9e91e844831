import { afterAll, beforeAll } from "vitest";
import { env } from "@/lib/env";
import { paymentProvider } from "@/lib/payments";
import { startFakeStripe, type FakeStripe } from "./fake-stripe";

export const TEST_STRIPE_KEY = "sk_test_spotkeeper_fake";
export const TEST_WEBHOOK_SECRET = "whsec_spotkeeper_test_secret";

const VARS = ["STRIPE_SECRET_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET"] as const;

/**
 * Starts the fake Stripe API for this test file and points the real provider (the `stripe` SDK) at
 * it. lib/env.ts reads process.env once per module graph (one per test file), so this must be
 * called at the top of the file, before any hook that touches the database; it fails loudly if
 * the environment was read first instead of quietly testing the wrong provider.
 */
export function useFakeStripe(): () => FakeStripe {
  let fake: FakeStripe | undefined;
  const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));

  beforeAll(async () => {
    fake = await startFakeStripe();
    process.env.STRIPE_SECRET_KEY = TEST_STRIPE_KEY;
    process.env.STRIPE_API_BASE = fake.url;
    process.env.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
    if (env().STRIPE_API_BASE !== fake.url || paymentProvider()?.name !== "stripe") {
      throw new Error("lib/env.ts was read before useFakeStripe() set STRIPE_*: call it before other hooks");
    }
  });

  afterAll(async () => {
    await fake?.close();
    for (const v of VARS) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
  });

  return () => {
    if (!fake) throw new Error("The fake Stripe API is only available inside tests and hooks");
    return fake;
  };
}
