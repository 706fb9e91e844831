"use client";

import { Elements, PaymentElement, useElements, useStripe } from "@stripe/react-stripe-js";
import { loadStripe, type Stripe } from "@stripe/stripe-js";
import { startTransition, useEffect, useState, type ReactNode } from "react";
import type { ActionState } from "@/app/actions/validated-action";
import type { SavedCard } from "@/lib/payments/provider";
import { FormMessage } from "@/components/ui/form-message";

/** How long Stripe.js may take to load before the page says card entry is unavailable. */
const LOAD_TIMEOUT_MS = 15_000;

// One Stripe.js per page, however many bookings are listed (Stripe's own advice). A script that
// cannot be fetched (offline, js.stripe.com blocked) or never answers resolves to null, and is
// forgotten, so opening the form again tries again.
const stripes = new Map<string, Promise<Stripe | null>>();
const stripeFor = (key: string) => {
  if (!stripes.has(key)) {
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), LOAD_TIMEOUT_MS));
    const loaded = Promise.race([loadStripe(key), timeout]).catch(() => null);
    stripes.set(key, loaded);
    void loaded.then((s) => s || stripes.delete(key));
  }
  return stripes.get(key)!;
};

type Props = {
  publishableKey: string;
  savedCards: SavedCard[] | null;
  reservationId: string;
  amount: number;
  currency: string;
  amountLabel: string;
  state: ActionState;
  formAction: (form: FormData) => void;
  pending: boolean;
  close: ReactNode;
};

const NEW_CARD = "new";
const BRANDS: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  jcb: "JCB",
  unionpay: "UnionPay",
  diners: "Diners Club",
};
const cardLabel = (c: SavedCard) => `${BRANDS[c.brand] ?? c.brand} ending ${c.last4}`;
const expiry = (c: SavedCard) => `expires ${String(c.expMonth).padStart(2, "0")}/${String(c.expYear).slice(-2)}`;

/**
 * Paying with Stripe: the driver's saved cards (every payment saves its card on their Stripe
 * customer, setup_future_usage "off_session", so an extension or an overstay can be charged later),
 * or a new card in Stripe's Payment Element, on Stripe's own frames. Either way a PaymentMethod id
 * goes to the same server action as the API's POST /v1/payments, so the charge, its idempotency key
 * and the ledger stay on the server. A saved card needs no Stripe.js: it still pays when the
 * browser cannot reach js.stripe.com, and the page says why a new card cannot be entered then.
 */
export function StripeCardForm(props: Props) {
  const cards = props.savedCards ?? [];
  const [choice, setChoice] = useState(cards[0]?.id ?? NEW_CARD);
  const hidden = (
    <>
      <input type="hidden" name="reservation_id" value={props.reservationId} />
      <input type="hidden" name="amount" value={props.amount} />
    </>
  );
  const chooser = (
    <fieldset className="card-choices">
      <legend>Pay with</legend>
      {props.savedCards === null && (
        <p className="hint" role="status">
          Your saved cards could not be loaded just now. You can enter a card below.
        </p>
      )}
      {cards.map((c) => (
        <label key={c.id} className="card-choice">
          <input
            type="radio"
            name="payment_method_id"
            value={c.id}
            checked={choice === c.id}
            onChange={() => setChoice(c.id)}
          />
          <span>
            <strong>{cardLabel(c)}</strong> <span className="muted small">— saved, {expiry(c)}</span>
          </span>
        </label>
      ))}
      {cards.length > 0 && (
        <label className="card-choice">
          <input
            type="radio"
            name="payment_method_id"
            value={NEW_CARD}
            checked={choice === NEW_CARD}
            onChange={() => setChoice(NEW_CARD)}
          />
          <span>
            <strong>A new card</strong>
          </span>
        </label>
      )}
    </fieldset>
  );

  if (choice !== NEW_CARD) {
    return (
      <form action={props.formAction} className="pay-form">
        {hidden}
        {chooser}
        <FormMessage state={props.state} />
        <PayButtons {...props} busy={props.pending} ready />
      </form>
    );
  }
  return (
    <div className="pay-form">
      {cards.length > 0 || props.savedCards === null ? chooser : null}
      <NewCard {...props} />
    </div>
  );
}

function PayButtons({
  amountLabel,
  busy,
  ready,
  close,
}: Pick<Props, "amountLabel" | "close"> & { busy: boolean; ready: boolean }) {
  return (
    <div className="button-row">
      <button type="submit" className="button button-primary button-small" disabled={busy || !ready}>
        {busy ? "Paying…" : `Pay ${amountLabel}`}
      </button>
      {close}
    </div>
  );
}

/** A new card in the Payment Element, once Stripe.js has loaded; a clear message when it cannot. */
function NewCard(props: Props) {
  const [stripe, setStripe] = useState<Stripe | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void stripeFor(props.publishableKey).then((s) => live && setStripe(s));
    return () => {
      live = false;
    };
  }, [props.publishableKey]);

  if (stripe === undefined) {
    return (
      <p className="hint" role="status" aria-live="polite">
        Loading secure card entry from Stripe…
      </p>
    );
  }
  if (stripe === null) {
    return (
      <>
        <p role="alert" className="alert alert-error">
          Card entry is unavailable: this browser could not reach Stripe (js.stripe.com), which collects card numbers so
          they never touch our server.{" "}
          {props.savedCards?.length ? "Pay with a saved card above, or try" : "Check your connection and try"} again in
          a moment. Your spot stays held until the time shown.
        </p>
        <div className="button-row">{props.close}</div>
      </>
    );
  }
  return (
    <Elements
      stripe={stripe}
      options={{
        mode: "payment",
        amount: props.amount,
        currency: props.currency.toLowerCase(),
        paymentMethodCreation: "manual",
        // The same as the PaymentIntent the server creates: the card is saved for later off-session charges,
        // and the Payment Element shows the driver the wording that allows it.
        setupFutureUsage: "off_session",
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
    <form onSubmit={submit}>
      <PaymentElement options={{ layout: "tabs" }} />
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      <FormMessage state={state} />
      <PayButtons amountLabel={amountLabel} close={close} busy={working || pending} ready={!!stripe} />
    </form>
  );
}
