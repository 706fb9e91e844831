"use client";

import { useActionState } from "react";
import { addSpotsAction } from "@/app/actions/lots";
import { VEHICLE_LABELS, VEHICLE_TYPE_ORDER } from "@/components/format";
import { FieldError, FormMessage } from "@/components/ui/form-message";

export function AddSpotsForm({ lotId, levels }: { lotId: string; levels: string[] }) {
  const [state, formAction, pending] = useActionState(addSpotsAction, {});
  const v = state.success ? {} : (state.values ?? {});
  const fe = state.fieldErrors ?? {};
  const id = (name: string) => `${lotId}-${name}`;
  return (
    <form action={formAction} className="add-spots-form">
      <input type="hidden" name="lot_id" value={lotId} />
      <div className="field">
        <label htmlFor={id("level")}>Level</label>
        <input
          id={id("level")}
          name="level"
          list={id("levels")}
          defaultValue={v.level ?? levels[0] ?? "G"}
          maxLength={16}
          required
        />
        <datalist id={id("levels")}>
          {levels.map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
      </div>
      <div className="count-inputs">
        {VEHICLE_TYPE_ORDER.map((t) => (
          <div className="field" key={t}>
            <label htmlFor={id(`count_${t}`)}>{VEHICLE_LABELS[t]}</label>
            <input
              id={id(`count_${t}`)}
              name={`count_${t}`}
              type="number"
              inputMode="numeric"
              min={0}
              max={5000}
              step={1}
              defaultValue={v[`count_${t}`] ?? "0"}
              aria-invalid={!!fe[`count_${t}`]}
            />
          </div>
        ))}
      </div>
      <FieldError id={id("count-error")} message={fe.count_compact ?? fe.spots} />
      <FormMessage state={state} />
      <button type="submit" className="button button-secondary" disabled={pending}>
        {pending ? "Adding…" : "Add spots"}
      </button>
    </form>
  );
}
