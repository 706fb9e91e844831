import { VEHICLE_TYPES } from "@/lib/api/schemas";
import { toMinorUnits } from "@/components/format";

/**
 * The rate plan form's fields as a RatePlan input: rates typed in major units, bands and occupancy
 * steps as rows (a row with no label / no threshold is an empty row, not an error). Shared by the
 * server action that saves the plan and the live preview chart, so the chart shows what Save saves.
 */
export function ratePlanFromFormData(form: FormData, currency: string) {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const money = (name: string) => (text(name) === "" ? undefined : toMinorUnits(text(name), currency));
  const num = (name: string) => (text(name) === "" ? undefined : Number(text(name)));
  const all = (name: string) => form.getAll(name).map((v) => String(v).trim());
  const [days, from, to, mult] = [all("band_days"), all("band_from"), all("band_to"), all("band_multiplier")];
  const bands = all("band_label")
    .map((label, i) => ({
      label,
      days: (days[i] ?? "")
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number),
      from: from[i] ?? "",
      to: to[i] ?? "",
      multiplier: Number(mult[i]),
    }))
    .filter((b) => b.label !== "");
  const stepMult = all("step_multiplier");
  const occupancy_steps = all("step_above")
    .map((above, i) => ({ above, multiplier: Number(stepMult[i]) }))
    .filter((s) => s.above !== "")
    .map((s) => ({ above_percent: Number(s.above), multiplier: s.multiplier }));
  return {
    base_hourly: Object.fromEntries(VEHICLE_TYPES.map((t) => [t, money(`rate_${t}`)])),
    ev_surcharge_hourly: money("ev_surcharge_hourly") ?? 0,
    bands,
    occupancy_steps,
    occupancy_cap_multiplier: num("occupancy_cap_multiplier"),
    billing_increment_minutes: num("billing_increment_minutes"),
    minimum_charge: money("minimum_charge") ?? 0,
    daily_max: money("daily_max") ?? null,
  };
}
