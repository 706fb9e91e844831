"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef, useState, useTransition } from "react";
import { bookSpot } from "@/app/actions/reservations";
import type { VehicleType } from "@/db/schema";
import { formatMoney, VEHICLE_LABELS } from "@/components/format";
import { FieldError, FormMessage } from "@/components/ui/form-message";
import { VehicleIcon } from "@/components/ui/vehicle-icon";

export type TypeAvailability = {
  vehicleType: VehicleType;
  total: number;
  /** null when no valid window is chosen, so nothing is known about who parks when. */
  free: number | null;
  /** The quote for the window, as GET /v1/lots/{id}/availability prices it; null when there is none. */
  amount: number | null;
  lineItems: { reason: string; amount: number }[];
};

type Props = {
  lotId: string;
  currency: string;
  /** "Japan Standard Time (GMT+9)": the zone the inputs are read in. */
  zoneLabel: string;
  start: string;
  end: string;
  vehicleType: VehicleType;
  /** The lot's current wall-clock time, as the start input's lower bound. */
  minStart: string;
  /** Availability for [start, end) as the server last computed it; null when the window is invalid. */
  availability: TypeAvailability[] | null;
  windowError: string | null;
  /** Something about the window worth knowing that does not stop a booking (a daylight-saving gap). */
  windowNotice: string | null;
  signedIn: boolean;
};

// Wall-clock arithmetic on "YYYY-MM-DDTHH:mm" strings, to keep the duration when the start moves.
// Treating the text as UTC is deliberate: only the difference matters, not any real zone.
const wallMs = (local: string) => Date.parse(`${local}:00Z`);
const wallText = (ms: number) => new Date(ms).toISOString().slice(0, 16);

export function BookingForm(props: Props) {
  const router = useRouter();
  const [state, formAction, submitting] = useActionState(bookSpot, {});
  const [chosen, setChosen] = useState({ start: props.start, end: props.end, type: props.vehicleType });
  const { start, end, type } = chosen;
  // What was chosen last, also between two changes in one render: each change builds on the one before.
  const latest = useRef(chosen);
  const [refreshing, startRefresh] = useTransition();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const startInput = useRef<HTMLInputElement>(null);
  const endInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Times typed while the page's script was still loading (a slow phone) are in the inputs but not
    // in the state: take them, rather than show one window and price another.
    const typed = { start: startInput.current?.value, end: endInput.current?.value };
    if ((typed.start && typed.start !== props.start) || (typed.end && typed.end !== props.end)) choose(typed);
    return () => clearTimeout(timer.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on hydration: later edits are change events
  }, []);

  const query = (s: string, e: string, t: string) => new URLSearchParams({ start: s, end: e, type: t }).toString();

  // The server component recomputes availability and prices for the window in the URL.
  function choose(next: { start?: string; end?: string; type?: VehicleType }) {
    const prev = latest.current;
    const s = next.start ?? prev.start;
    let e = next.end ?? prev.end;
    const t = next.type ?? prev.type;
    // A new start keeps the duration, unless a new end comes with it.
    if (next.start && !next.end && [s, prev.start, prev.end].every((v) => !Number.isNaN(wallMs(v)))) {
      const duration = wallMs(prev.end) - wallMs(prev.start);
      if (duration > 0) e = wallText(wallMs(s) + duration);
    }
    latest.current = { start: s, end: e, type: t };
    setChosen(latest.current);
    // Typing a date fires a change per digit; ask the server once the input settles.
    clearTimeout(timer.current);
    if (s && e) {
      timer.current = setTimeout(
        () => startRefresh(() => router.replace(`/lots/${props.lotId}?${query(s, e, t)}`, { scroll: false })),
        350,
      );
    }
  }

  // Until the server has answered for the window on screen, the numbers below belong to the old one.
  const stale = refreshing || start !== props.start || end !== props.end;
  const selected = props.availability?.find((a) => a.vehicleType === type);
  const fe = state.fieldErrors ?? {};
  // A type with no free spot for these times cannot be booked; say so instead of letting Book fail.
  const full = selected?.free === 0;
  const signInHref = `/sign-in?callbackUrl=${encodeURIComponent(`/lots/${props.lotId}?${query(start, end, type)}`)}`;

  return (
    <form action={formAction} className="card booking-form" aria-busy={stale || submitting}>
      <input type="hidden" name="lot_id" value={props.lotId} />
      <div className="form-head">
        <h2>Book a spot</h2>
        <p className="muted small">
          Times are local to the lot: <strong>{props.zoneLabel}</strong>
        </p>
      </div>

      <div className="field-row">
        <div className="field">
          <label htmlFor="start_local">Arrive</label>
          <input
            id="start_local"
            ref={startInput}
            name="start_local"
            type="datetime-local"
            required
            min={props.minStart}
            value={start}
            onChange={(e) => choose({ start: e.target.value })}
            aria-invalid={!!fe.start_time}
            aria-describedby={fe.start_time ? "start_local-error" : undefined}
          />
          <FieldError id="start_local-error" message={fe.start_time} />
        </div>
        <div className="field">
          <label htmlFor="end_local">Leave</label>
          <input
            id="end_local"
            ref={endInput}
            name="end_local"
            type="datetime-local"
            required
            min={start || props.minStart}
            value={end}
            onChange={(e) => choose({ end: e.target.value })}
            aria-invalid={!!fe.end_time}
            aria-describedby={fe.end_time ? "end_local-error" : undefined}
          />
          <FieldError id="end_local-error" message={fe.end_time} />
        </div>
      </div>
      {props.windowNotice && !stale && (
        <p className="alert alert-info" role="status">
          {props.windowNotice}
        </p>
      )}
      {props.windowError && !stale && (
        <p className="alert alert-warning" role="status">
          {props.windowError}
        </p>
      )}

      <fieldset
        className={`type-options${stale ? " is-stale" : ""}`}
        aria-describedby={fe.vehicle_type ? "vehicle_type-error" : undefined}
      >
        <legend>
          Vehicle type
          {stale && <span className="updating"> · updating availability…</span>}
        </legend>
        {(props.availability ?? []).map((a) => {
          const full = a.free === 0;
          return (
            <label
              key={a.vehicleType}
              className={`type-option type-${a.vehicleType}${full ? " is-full" : ""}${a.total === 0 ? " is-absent" : ""}`}
            >
              <input
                type="radio"
                name="vehicle_type"
                value={a.vehicleType}
                checked={type === a.vehicleType}
                disabled={a.total === 0}
                onChange={() => choose({ type: a.vehicleType })}
              />
              <span className="type-option-body">
                <span className="type-option-name">
                  <VehicleIcon type={a.vehicleType} />
                  {VEHICLE_LABELS[a.vehicleType]}
                </span>
                <span className="type-option-meta" data-testid={`availability-${a.vehicleType}`}>
                  {a.total === 0
                    ? "Not offered here"
                    : a.free === null
                      ? `${a.total} spots`
                      : full
                        ? "Full for these times"
                        : `${a.free} of ${a.total} free`}
                </span>
                <span className="type-option-price">
                  {a.amount === null ? "—" : formatMoney(a.amount, props.currency)}
                </span>
              </span>
            </label>
          );
        })}
        <FieldError id="vehicle_type-error" message={fe.vehicle_type} />
      </fieldset>

      <div className="field">
        <label htmlFor="license_plate">
          Licence plate <span className="muted">(optional — lets the gate recognise you)</span>
        </label>
        <input
          id="license_plate"
          name="license_plate"
          type="text"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          placeholder="e.g. AB-123-C"
          maxLength={20}
          defaultValue={state.values?.license_plate}
          aria-invalid={!!fe.license_plate}
          aria-describedby={fe.license_plate ? "license_plate-error" : undefined}
        />
        <FieldError id="license_plate-error" message={fe.license_plate} />
      </div>

      {selected && selected.lineItems.length > 0 && !stale && (
        <details className="breakdown">
          <summary>Price breakdown</summary>
          <ul>
            {selected.lineItems.map((item, i) => (
              <li key={i}>
                <span>{item.reason}</span>
                <span>{formatMoney(item.amount, props.currency)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}

      {full && !stale && (
        <p className="alert alert-warning" id="full-note" role="status">
          Every {VEHICLE_LABELS[type].toLowerCase()} spot is taken for these times. Choose another type or time.
        </p>
      )}
      <FormMessage state={state} />
      {state.code === "no_spot_available" && (
        <p className="hint form-hint">
          Try another time or vehicle type: the availability above is for the times you chose.
        </p>
      )}

      <div className="form-footer">
        <div className="total" aria-live="polite">
          <span className="muted small">Total</span>
          <strong className="total-amount" data-testid="quote">
            {selected?.amount != null ? formatMoney(selected.amount, props.currency) : "—"}
          </strong>
        </div>
        {props.signedIn ? (
          <button
            type="submit"
            className="button button-primary button-large"
            disabled={submitting || (!stale && (!!props.windowError || full))}
            aria-describedby={full && !stale ? "full-note" : undefined}
          >
            {submitting ? "Booking…" : "Book"}
          </button>
        ) : (
          <Link href={signInHref} className="button button-primary button-large">
            Sign in to book
          </Link>
        )}
      </div>
    </form>
  );
}
