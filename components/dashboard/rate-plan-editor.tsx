"use client";

import { useMemo, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { updateRatePlan } from "@/app/actions/dashboard";
import type { RatePlan } from "@/lib/pricing/rate-plan";
import { RatePlan as RatePlanSchema } from "@/lib/pricing/rate-plan";
import { quote } from "@/lib/pricing/quote";
import { fractionDigits, VEHICLE_LABELS, VEHICLE_TYPE_ORDER } from "@/components/format";
import { ActionForm } from "./action-form";
import { ratePlanFromFormData } from "./rate-plan-form-data";

const COLORS = { compact: "#2e90fa", large: "#7a5af8", ev: "#12b76a", handicapped: "#f79009" } as const;

/**
 * The rate plan as an operator edits it, with a chart of what one hour's parking costs at each hour
 * of a day, recomputed by the booking engine's own quote() as the fields change, before saving.
 */
export function RatePlanEditor({
  lotId,
  plan,
  currency,
  timeZone,
  previewDays,
}: {
  lotId: string;
  plan: RatePlan;
  currency: string;
  timeZone: string;
  /** Local midnights (as instants) of the days the preview can show, with their labels. */
  previewDays: { label: string; start: string }[];
}) {
  const [draft, setDraft] = useState<RatePlan>(plan);
  const [invalid, setInvalid] = useState(false);
  const [day, setDay] = useState(0);
  const major = (minor: number) => (minor / 10 ** fractionDigits(currency)).toString();
  const chart = useMemo(() => {
    const start = Date.parse(previewDays[day]!.start);
    return Array.from({ length: 24 }, (_, h) => {
      const s = new Date(start + h * 3_600_000);
      const point: Record<string, number | string> = { hour: `${String(h).padStart(2, "0")}:00` };
      for (const t of VEHICLE_TYPE_ORDER) {
        const total = quote(draft, {
          vehicleType: t,
          start: s,
          end: new Date(s.getTime() + 3_600_000),
          timeZone,
        }).total;
        point[t] = total / 10 ** fractionDigits(currency);
      }
      return point;
    });
  }, [draft, day, previewDays, timeZone, currency]);
  const bandRows = [...plan.bands, null, null];
  const stepRows = [...plan.occupancy_steps, null];

  return (
    <ActionForm
      action={updateRatePlan}
      hidden={{ lot_id: lotId }}
      submit="Save rate plan"
      variant="primary"
      className="rate-plan-form"
      onInput={(form) => {
        const parsed = RatePlanSchema.safeParse(ratePlanFromFormData(new FormData(form), currency));
        setInvalid(!parsed.success);
        if (parsed.success) setDraft(parsed.data);
      }}
    >
      <fieldset className="form-grid">
        <legend>Hourly rates ({currency})</legend>
        {VEHICLE_TYPE_ORDER.map((t) => (
          <div className="field" key={t}>
            <label htmlFor={`${lotId}-rate_${t}`}>{VEHICLE_LABELS[t]}</label>
            <input
              id={`${lotId}-rate_${t}`}
              name={`rate_${t}`}
              inputMode="decimal"
              defaultValue={major(plan.base_hourly[t])}
              required
            />
          </div>
        ))}
        <div className="field">
          <label htmlFor={`${lotId}-ev_surcharge_hourly`}>EV charging per hour</label>
          <input
            id={`${lotId}-ev_surcharge_hourly`}
            name="ev_surcharge_hourly"
            inputMode="decimal"
            defaultValue={major(plan.ev_surcharge_hourly)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${lotId}-billing_increment_minutes`}>Billing step (minutes)</label>
          <input
            id={`${lotId}-billing_increment_minutes`}
            name="billing_increment_minutes"
            type="number"
            min={1}
            max={240}
            defaultValue={plan.billing_increment_minutes}
          />
        </div>
        <div className="field">
          <label htmlFor={`${lotId}-minimum_charge`}>Minimum charge</label>
          <input
            id={`${lotId}-minimum_charge`}
            name="minimum_charge"
            inputMode="decimal"
            defaultValue={major(plan.minimum_charge)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${lotId}-daily_max`}>Daily maximum (blank: none)</label>
          <input
            id={`${lotId}-daily_max`}
            name="daily_max"
            inputMode="decimal"
            defaultValue={plan.daily_max === null ? "" : major(plan.daily_max)}
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>Time bands</legend>
        <p className="hint">
          Days: 1 = Monday … 7 = Sunday, e.g. &quot;1,2,3,4,5&quot;. Leave the label empty to remove a band.
        </p>
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Time bands">
          <table className="day-table edit-table">
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Days</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">× Price</th>
              </tr>
            </thead>
            <tbody>
              {bandRows.map((b, i) => (
                <tr key={i}>
                  <td>
                    <input name="band_label" aria-label={`Band ${i + 1} label`} defaultValue={b?.label ?? ""} />
                  </td>
                  <td>
                    <input
                      name="band_days"
                      aria-label={`Band ${i + 1} days`}
                      defaultValue={b?.days.join(",") ?? ""}
                      size={10}
                    />
                  </td>
                  <td>
                    <input
                      name="band_from"
                      aria-label={`Band ${i + 1} from`}
                      defaultValue={b?.from ?? ""}
                      placeholder="07:00"
                      size={5}
                    />
                  </td>
                  <td>
                    <input
                      name="band_to"
                      aria-label={`Band ${i + 1} to`}
                      defaultValue={b?.to ?? ""}
                      placeholder="10:00"
                      size={5}
                    />
                  </td>
                  <td>
                    <input
                      name="band_multiplier"
                      aria-label={`Band ${i + 1} multiplier`}
                      defaultValue={b?.multiplier ?? ""}
                      inputMode="decimal"
                      size={4}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </fieldset>

      <fieldset className="form-grid">
        <legend>Busy-time pricing</legend>
        {stepRows.map((s, i) => (
          <div className="field-pair" key={i}>
            <div className="field">
              <label htmlFor={`${lotId}-step_above-${i}`}>Over % booked</label>
              <input
                id={`${lotId}-step_above-${i}`}
                name="step_above"
                inputMode="decimal"
                defaultValue={s?.above_percent ?? ""}
              />
            </div>
            <div className="field">
              <label htmlFor={`${lotId}-step_multiplier-${i}`}>× Price</label>
              <input
                id={`${lotId}-step_multiplier-${i}`}
                name="step_multiplier"
                inputMode="decimal"
                defaultValue={s?.multiplier ?? ""}
              />
            </div>
          </div>
        ))}
        <div className="field">
          <label htmlFor={`${lotId}-occupancy_cap_multiplier`}>At most ×</label>
          <input
            id={`${lotId}-occupancy_cap_multiplier`}
            name="occupancy_cap_multiplier"
            inputMode="decimal"
            defaultValue={plan.occupancy_cap_multiplier}
          />
        </div>
      </fieldset>

      <section className="preview" aria-labelledby={`${lotId}-preview`}>
        <div className="section-head">
          <h3 id={`${lotId}-preview`} className="subhead">
            Preview: one hour parked, by starting hour
          </h3>
          <label className="field-inline">
            <span className="visually-hidden">Preview day</span>
            <select value={day} onChange={(e) => setDay(Number(e.target.value))} aria-label="Preview day">
              {previewDays.map((d, i) => (
                <option key={d.start} value={i}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        {invalid && (
          <p className="alert alert-warning" role="status">
            The chart shows the last valid plan: a field above is not valid yet.
          </p>
        )}
        <figure className="chart" aria-label={`Price of one hour by starting hour, in ${currency}, quiet lot`}>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={chart} margin={{ top: 8, right: 8, left: -8, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="hour" tick={{ fontSize: 11 }} interval={3} />
              <YAxis tick={{ fontSize: 11 }} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {VEHICLE_TYPE_ORDER.map((t) => (
                <Line
                  key={t}
                  type="stepAfter"
                  dataKey={t}
                  name={VEHICLE_LABELS[t]}
                  stroke={COLORS[t]}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </figure>
      </section>
    </ActionForm>
  );
}
