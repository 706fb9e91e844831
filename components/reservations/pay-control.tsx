"use client";

import { useActionState, useState } from "react";
import { payBooking } from "@/app/actions/reservations";
import { FormMessage } from "@/components/ui/form-message";
import type { SavedCard } from "@/lib/payments/provider";
import { StripeCardForm } from "./stripe-card-form";

export type TestCard = { number: string; label: string; outcome: string };

/**
 * Pays a held booking. POST /v1/payments takes a Stripe PaymentMethod id, or in the keyless demo a
 * test card number: with a publishable key the card is typed into Stripe's Payment Element (the
 * number never reaches this server); in the demo the test cards are offered as choices, so nobody
 * types a real card number into a demo. Rendered for every reservation, so "Paid" stays on screen
 * after the list re-renders with the reservation confirmed.
 */
export function PayControl({
  reservationId,
  amount,
  currency,
  amountLabel,
  payable,
  paid,
  testCards,
  publishableKey,
  savedCards,
}: {
  reservationId: string;
  amount: number;
  currency: string;
  amountLabel: string;
  payable: boolean;
  /** The reservation is confirmed now: the only time a "Paid" message from this session still holds. */
  paid: boolean;
  testCards: TestCard[] | null;
  publishableKey: string | null;
  savedCards: SavedCard[] | null;
}) {
  const [state, formAction, pending] = useActionState(payBooking, {});
  const [open, setOpen] = useState(false);
  if (!payable) return state.success && paid ? <FormMessage state={state} /> : null;
  if (!open) {
    return (
      <button type="button" className="button button-primary button-small" onClick={() => setOpen(true)}>
        Pay {amountLabel}
      </button>
    );
  }
  const close = (
    <button type="button" className="button button-secondary button-small" onClick={() => setOpen(false)}>
      Not now
    </button>
  );
  if (publishableKey && !testCards) {
    return (
      <StripeCardForm
        publishableKey={publishableKey}
        savedCards={savedCards}
        reservationId={reservationId}
        amount={amount}
        currency={currency}
        amountLabel={amountLabel}
        state={state}
        formAction={formAction}
        pending={pending}
        close={close}
      />
    );
  }
  const chosen = state.values?.payment_method_id ?? testCards?.[0]?.number;
  return (
    <form action={formAction} className="pay-form">
      <input type="hidden" name="reservation_id" value={reservationId} />
      <input type="hidden" name="amount" value={amount} />
      <fieldset className="card-choices">
        <legend>Test card</legend>
        <p className="hint">Demo payments, no real money. Pick how the card should behave:</p>
        {(testCards ?? []).map((c) => (
          <label key={c.number} className="card-choice">
            <input
              type="radio"
              name="payment_method_id"
              value={c.number}
              defaultChecked={c.number === chosen}
              required
            />
            <span>
              <strong>{c.label}</strong> <code>{c.number}</code> <span className="muted small">— {c.outcome}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <FormMessage state={state} />
      <div className="button-row">
        <button type="submit" className="button button-primary button-small" disabled={pending}>
          {pending ? "Paying…" : `Pay ${amountLabel}`}
        </button>
        {close}
      </div>
    </form>
  );
}
