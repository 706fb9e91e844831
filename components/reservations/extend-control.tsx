"use client";

import { useActionState, useState } from "react";
import { extendBooking } from "@/app/actions/reservations";
import { FormMessage } from "@/components/ui/form-message";

/**
 * Extend a paid booking: the first press asks for the price of the added time, the second charges
 * it. Changing the time asks again, so what is charged is always what was shown.
 */
export function ExtendControl({
  reservationId,
  currentEnd,
  zoneLabel,
}: {
  reservationId: string;
  currentEnd: string;
  zoneLabel: string;
}) {
  const [state, formAction, pending] = useActionState(extendBooking, {});
  const [open, setOpen] = useState(false);
  const [end, setEnd] = useState(() => addHour(currentEnd));
  const [quotedFor, setQuotedFor] = useState<string | null>(null);
  if (!open) {
    return (
      <>
        <button type="button" className="button button-secondary button-small" onClick={() => setOpen(true)}>
          Extend
        </button>
        {state.code === "extended" && <FormMessage state={state} />}
      </>
    );
  }
  const quoted = state.code === "quoted" && quotedFor === end;
  const id = `extend-${reservationId}`;
  return (
    <form
      action={(form) => {
        setQuotedFor(end);
        formAction(form);
      }}
      className="extend-form"
    >
      <input type="hidden" name="reservation_id" value={reservationId} />
      <input type="hidden" name="intent" value={quoted ? "extend" : "quote"} />
      <div className="field">
        <label htmlFor={id}>
          New end <span className="muted small">({zoneLabel})</span>
        </label>
        <input
          id={id}
          name="end_local"
          type="datetime-local"
          required
          min={currentEnd}
          value={end}
          onChange={(e) => setEnd(e.target.value)}
        />
      </div>
      {(state.code !== "quoted" || quoted) && <FormMessage state={state} />}
      <div className="button-row">
        <button type="submit" className="button button-primary button-small" disabled={pending}>
          {pending ? "Working…" : quoted ? "Confirm extension" : "Get price"}
        </button>
        <button type="button" className="button button-secondary button-small" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </form>
  );
}

function addHour(local: string) {
  const ms = Date.parse(`${local}:00Z`);
  return Number.isNaN(ms) ? local : new Date(ms + 3_600_000).toISOString().slice(0, 16);
}
