"use client";

import { Elements, PaymentElement, useElements, useStripe } from "@stripe/react-stripe-js";
import { loadStripe, type Stripe } from "@stripe/stripe-js";
import { startTransition, useState, type ReactNode } from "react";
import type { ActionState } from "@/app/actions/validated-action";
import { FormMessage } from "@/components/ui/form-message";

// One Stripe.js per page, however many bookings are listed (Stripe's own advice).
const stripes = new Map<string, Promise<Stripe | null>>();
const stripeFor = (key: string) => {
  if (!stripes.has(key)) stripes.set(key, loadStripe(key));
  return stripes.get(key)!;
};

type Props = {
  publishableKey: string;
  reservationId: string;
  amount: number;
  currency: string;
  amountLabel: string;
  state: ActionState;
  formAction: (form: FormData) => void;
  pending: boolean;
  close: ReactNode;
};

/**
 * Stripe's Payment Element: card entry (and the customer's saved cards, which Stripe Link offers)
 * on Stripe's own frames. It yields a PaymentMethod id, which goes to the same server action as the
 * API's POST /v1/payments, so the charge, its idempotency key and the ledger stay on the server.
 */
export function StripeCardForm(props: Props) {
  return (
    <Elements
      stripe={stripeFor(props.publishableKey)}
      options={{
        mode: "payment",
        amount: props.amount,
        currency: props.currency.toLowerCase(),
        paymentMethodCreation: "manual",
        appearance: { theme: "stripe", variables: { colorPrimary: "#1d3fd8" } },
      }}
    >
      <CardForm {...props} />
    </Elements>
  );
}

function CardForm({ reservationId, amount, amountLabel, state, formAction, pending, close }: Props) {
  const stripe = useStripe();
  const elements = useElements();
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!stripe || !elements) return;
    setWorking(true);
    setError(null);
    try {
      // Stripe checks the number, expiry and CVC here and says what is wrong in the user's language.
      const { error: invalid } = await elements.submit();
      if (invalid) return setError(invalid.message ?? "Check the card details.");
      const { error: failed, paymentMethod } = await stripe.createPaymentMethod({ elements });
      if (failed || !paymentMethod) return setError(failed?.message ?? "The card could not be read. Try again.");
      const form = new FormData();
      form.set("reservation_id", reservationId);
      form.set("amount", String(amount));
      form.set("payment_method_id", paymentMethod.id);
      startTransition(() => formAction(form));
    } finally {
      setWorking(false);
    }
  }

  return (
    <form onSubmit={submit} className="pay-form">
      <PaymentElement options={{ layout: "tabs" }} />
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      <FormMessage state={state} />
      <div className="button-row">
        <button type="submit" className="button button-primary button-small" disabled={!stripe || working || pending}>
          {working || pending ? "Paying…" : `Pay ${amountLabel}`}
        </button>
        {close}
      </div>
    </form>
  );
}
