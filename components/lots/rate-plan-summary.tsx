import type { VehicleType } from "@/db/schema";
import type { RatePlan } from "@/lib/pricing/rate-plan";
import { formatMoney, VEHICLE_LABELS } from "@/components/format";
import { VEHICLE_TYPES } from "@/lib/api/schemas";
import { VehicleIcon } from "@/components/ui/vehicle-icon";

const DAY = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

function days(d: number[]) {
  const sorted = [...d].sort();
  if (sorted.length === 7) return "Every day";
  if (sorted.join() === "1,2,3,4,5") return "Weekdays";
  if (sorted.join() === "6,7") return "Weekends";
  return sorted.map((n) => DAY[n]).join(", ");
}

/** The lot's price list as a driver reads it: base rates, then what changes them. */
export function RatePlanSummary({ plan, currency }: { plan: RatePlan; currency: string }) {
  const money = (n: number) => formatMoney(n, currency);
  return (
    <>
      <table className="rates">
        <tbody>
          {VEHICLE_TYPES.map((t: VehicleType) => (
            <tr key={t}>
              <th scope="row">
                <VehicleIcon type={t} size={16} /> {VEHICLE_LABELS[t]}
              </th>
              <td>{money(plan.base_hourly[t] + (t === "ev" ? plan.ev_surcharge_hourly : 0))}/h</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="muted small rate-notes">
        {plan.bands.map((b, i) => (
          <li key={i}>
            {b.label}: {days(b.days)} {b.from}–{b.to} ×{b.multiplier}
          </li>
        ))}
        {plan.occupancy_steps.length > 0 && (
          <li>
            Busy times: {plan.occupancy_steps.map((s) => `over ${s.above_percent}% booked ×${s.multiplier}`).join(", ")}{" "}
            (at most ×{plan.occupancy_cap_multiplier})
          </li>
        )}
        {plan.ev_surcharge_hourly > 0 && <li>EV rate includes {money(plan.ev_surcharge_hourly)}/h charging</li>}
        <li>Billed per started {plan.billing_increment_minutes} minutes</li>
        {plan.minimum_charge > 0 && <li>Minimum charge {money(plan.minimum_charge)}</li>}
        {plan.daily_max !== null && <li>Never more than {money(plan.daily_max)} per 24 hours</li>}
      </ul>
    </>
  );
}
