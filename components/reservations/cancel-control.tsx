"use client";

import { useActionState, useState } from "react";
import { cancelBooking } from "@/app/actions/reservations";
import { FormMessage } from "@/components/ui/form-message";

/**
 * Rendered for every reservation, cancellable or not, so the outcome of a cancel stays on screen
 * after the list re-renders with the reservation cancelled.
 */
export function CancelControl({
  reservationId,
  cancellable,
  refundNote,
}: {
  reservationId: string;
  cancellable: boolean;
  refundNote: string;
}) {
  const [state, formAction, pending] = useActionState(cancelBooking, {});
  const [confirming, setConfirming] = useState(false);

  if (!cancellable) return state.success || state.error ? <FormMessage state={state} /> : null;
  return (
    <div className="cancel-control">
      {confirming ? (
        <form action={formAction} className="cancel-confirm">
          <input type="hidden" name="reservation_id" value={reservationId} />
          <p className="small">{refundNote}</p>
          <div className="button-row">
            <button type="submit" className="button button-danger button-small" disabled={pending}>
              {pending ? "Cancelling…" : "Confirm cancellation"}
            </button>
            <button type="button" className="button button-secondary button-small" onClick={() => setConfirming(false)}>
              Keep booking
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="button button-secondary button-small" onClick={() => setConfirming(true)}>
          Cancel booking
        </button>
      )}
      <FormMessage state={state} />
    </div>
  );
}
