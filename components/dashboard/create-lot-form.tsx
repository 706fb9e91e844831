"use client";

import { useActionState, useState } from "react";
import { createLotAction } from "@/app/actions/lots";
import { currencySymbol, fractionDigits, VEHICLE_LABELS, VEHICLE_TYPE_ORDER } from "@/components/format";
import { FieldError, FormMessage } from "@/components/ui/form-message";

const CURRENCIES = ["EUR", "USD", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "SGD", "HKD", "KRW"];
const DEFAULT_RATES: Record<string, string> = { compact: "3.00", large: "4.50", ev: "4.00", handicapped: "3.00" };

function Field({
  name,
  label,
  error,
  hint,
  children,
}: {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={`lot-${name}`}>{label}</label>
      {children}
      {hint && <p className="hint">{hint}</p>}
      <FieldError id={`lot-${name}-error`} message={error} />
    </div>
  );
}

export function CreateLotForm({ timeZones }: { timeZones: string[] }) {
  const [state, formAction, pending] = useActionState(createLotAction, {});
  // After a success React resets the form to these defaults; after an error they hold what was typed.
  const v = state.success ? {} : (state.values ?? {});
  const fe = state.fieldErrors ?? {};
  const [currency, setCurrency] = useState(v.currency ?? "EUR");
  const digits = fractionDigits(/^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : "EUR");
  const step = digits === 0 ? "1" : (1 / 10 ** digits).toFixed(digits);
  const err = (name: string) => fe[name];
  const invalid = (name: string) => ({
    "aria-invalid": !!fe[name],
    "aria-describedby": fe[name] ? `lot-${name}-error` : undefined,
  });

  return (
    <form action={formAction} className="card create-lot-form" aria-labelledby="create-lot-heading">
      <h2 id="create-lot-heading">New lot</h2>
      <Field name="name" label="Name" error={err("name")}>
        <input id="lot-name" name="name" required maxLength={120} defaultValue={v.name} {...invalid("name")} />
      </Field>
      <Field name="address" label="Address" error={err("address")}>
        <input
          id="lot-address"
          name="address"
          required
          maxLength={300}
          defaultValue={v.address}
          {...invalid("address")}
        />
      </Field>
      <div className="field-row">
        <Field name="time_zone" label="Time zone" error={err("time_zone")}>
          <select
            id="lot-time_zone"
            name="time_zone"
            defaultValue={v.time_zone ?? "Europe/Amsterdam"}
            {...invalid("time_zone")}
          >
            {timeZones.map((tz) => (
              <option key={tz} value={tz}>
                {tz.replaceAll("_", " ")}
              </option>
            ))}
          </select>
        </Field>
        <Field name="currency" label="Currency" error={err("currency")}>
          <input
            id="lot-currency"
            name="currency"
            list="lot-currencies"
            required
            pattern="[A-Za-z]{3}"
            maxLength={3}
            value={currency}
            onChange={(e) => setCurrency(e.target.value)}
            {...invalid("currency")}
          />
          <datalist id="lot-currencies">
            {CURRENCIES.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </Field>
      </div>

      <fieldset>
        <legend>Hourly rates ({currencySymbol(currency.toUpperCase())})</legend>
        <div className="count-inputs">
          {VEHICLE_TYPE_ORDER.map((t) => (
            <Field key={t} name={`rate_${t}`} label={VEHICLE_LABELS[t]} error={err(`hourly_rates.${t}`)}>
              <input
                id={`lot-rate_${t}`}
                name={`rate_${t}`}
                type="number"
                inputMode="decimal"
                min={0}
                step={step}
                required
                defaultValue={
                  v[`rate_${t}`] ?? (digits === 0 ? String(Number(DEFAULT_RATES[t]) * 100) : DEFAULT_RATES[t])
                }
                {...invalid(`hourly_rates.${t}`)}
              />
            </Field>
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>Spots to create</legend>
        <div className="count-inputs">
          {VEHICLE_TYPE_ORDER.map((t) => (
            <Field key={t} name={`count_${t}`} label={VEHICLE_LABELS[t]}>
              <input
                id={`lot-count_${t}`}
                name={`count_${t}`}
                type="number"
                inputMode="numeric"
                min={0}
                max={5000}
                step={1}
                defaultValue={v[`count_${t}`] ?? "0"}
              />
            </Field>
          ))}
        </div>
        <FieldError id="lot-spots-error" message={err("spots")} />
        <Field name="level" label="On level" hint="Spots are labelled per level, e.g. G-C001.">
          <input id="lot-level" name="level" maxLength={16} defaultValue={v.level ?? "G"} />
        </Field>
      </fieldset>

      <details className="advanced">
        <summary>Policies</summary>
        <div className="field-row">
          <Field name="grace_minutes" label="Grace period (min)" error={err("grace_minutes")}>
            <input
              id="lot-grace_minutes"
              name="grace_minutes"
              type="number"
              min={0}
              max={1440}
              defaultValue={v.grace_minutes ?? "30"}
            />
          </Field>
          <Field
            name="no_show_penalty"
            label={`No-show fee (${currencySymbol(currency.toUpperCase())})`}
            error={err("no_show_penalty")}
          >
            <input
              id="lot-no_show_penalty"
              name="no_show_penalty"
              type="number"
              min={0}
              step={step}
              defaultValue={v.no_show_penalty ?? "0"}
            />
          </Field>
        </div>
        <div className="field-row">
          <Field
            name="cancel_full_refund_minutes_before"
            label="Full refund until (min before)"
            error={err("cancel_full_refund_minutes_before")}
            hint="0 = until the start"
          >
            <input
              id="lot-cancel_full_refund_minutes_before"
              name="cancel_full_refund_minutes_before"
              type="number"
              min={0}
              defaultValue={v.cancel_full_refund_minutes_before ?? "0"}
            />
          </Field>
          <Field
            name="cancel_late_refund_percent"
            label="Refund after that (%)"
            error={err("cancel_late_refund_percent")}
          >
            <input
              id="lot-cancel_late_refund_percent"
              name="cancel_late_refund_percent"
              type="number"
              min={0}
              max={100}
              defaultValue={v.cancel_late_refund_percent ?? "0"}
            />
          </Field>
        </div>
      </details>

      <FormMessage state={state} />
      <button type="submit" className="button button-primary button-block" disabled={pending}>
        {pending ? "Creating…" : "Create lot"}
      </button>
    </form>
  );
}
