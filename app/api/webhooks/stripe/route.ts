import Stripe from "stripe";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { errorResponse, json } from "@/lib/http/respond";
import { ApiError } from "@/lib/errors";
import { handleStripeEvent } from "@/lib/payments/stripe-webhooks";

// Signature checking needs no API access; the key only satisfies the constructor.
const verifier = new Stripe("sk_webhook_verification_only");

// POST /api/webhooks/stripe – Stripe events, signature-verified, idempotent
export async function POST(req: Request) {
  const secret = env().STRIPE_WEBHOOK_SECRET;
  if (!secret)
    return errorResponse(new ApiError("not_found", "Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET)"));
  const body = await req.text();
  let event: Stripe.Event;
  try {
    event = verifier.webhooks.constructEvent(body, req.headers.get("stripe-signature") ?? "", secret);
  } catch (err) {
    return errorResponse(new ApiError("bad_request", `Invalid Stripe signature: ${(err as Error).message}`));
  }
  try {
    return json({ received: true, outcome: await handleStripeEvent(await getDb(), event) });
  } catch (err) {
    // Non-2xx makes Stripe retry; every handler is safe to run again.
    return errorResponse(err);
  }
}
