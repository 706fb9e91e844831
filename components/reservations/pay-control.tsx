"use client";

import { useActionState, useState } from "react";
import { payBooking } from "@/app/actions/reservations";
import { FieldError, FormMessage } from "@/components/ui/form-message";

export type TestCard = { number: string; outcome: string };

/**
 * Pays a held booking. The card field takes what POST /v1/payments takes: a Stripe PaymentMethod id,
 * or in the keyless demo a test card number. Rendered for every reservation, so "Paid" stays on
 * screen after the list re-renders with the reservation confirmed.
 */
export function PayControl({
  reservationId,
  amount,
  amountLabel,
  payable,
  paid,
  testCards,
}: {
  reservationId: string;
  amount: number;
  amountLabel: string;
  payable: boolean;
  /** The reservation is confirmed now: the only time a "Paid" message from this session still holds. */
  paid: boolean;
  testCards: TestCard[] | null;
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
  const fieldId = `pm-${reservationId}`;
  return (
    <form action={formAction} className="pay-form">
      <input type="hidden" name="reservation_id" value={reservationId} />
      <input type="hidden" name="amount" value={amount} />
      <div className="field">
        <label htmlFor={fieldId}>{testCards ? "Card number" : "Payment method"}</label>
        <input
          id={fieldId}
          name="payment_method_id"
          required
          autoFocus
          autoComplete={testCards ? "cc-number" : "off"}
          inputMode={testCards ? "numeric" : "text"}
          placeholder={testCards ? "4242 4242 4242 4242" : "pm_…"}
          defaultValue={state.values?.payment_method_id}
          aria-invalid={!!state.fieldErrors?.payment_method_id}
          aria-describedby={`${fieldId}-hint`}
        />
        {testCards && (
          <p className="hint" id={`${fieldId}-hint`}>
            Demo payments, no real money:{" "}
            {testCards.map((c, i) => (
              <span key={c.number}>
                {i > 0 && "; "}
                <code>{c.number}</code> {c.outcome}
              </span>
            ))}
            .
          </p>
        )}
        <FieldError id={`${fieldId}-error`} message={state.fieldErrors?.payment_method_id} />
      </div>
      <FormMessage state={state} />
      <div className="button-row">
        <button type="submit" className="button button-primary button-small" disabled={pending}>
          {pending ? "Paying…" : `Pay ${amountLabel}`}
        </button>
        <button type="button" className="button button-secondary button-small" onClick={() => setOpen(false)}>
          Not now
        </button>
      </div>
    </form>
  );
}
