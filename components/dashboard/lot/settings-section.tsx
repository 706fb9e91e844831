import type { Lot } from "@/db/schema";
import { lotRatePlan } from "@/lib/reservations/price-booking";
import { zonedDayBounds } from "@/lib/time/zoned-time";
import { formatDate } from "@/components/format";
import { LotSettingsForm } from "@/components/dashboard/lot-settings-form";
import { RatePlanEditor } from "@/components/dashboard/rate-plan-editor";

/** Every lot setting, and the rate plan with a preview of the next seven lot days. */
export function SettingsSection({ lot, now }: { lot: Lot; now: Date }) {
  return (
    <div className="stack">
      <section className="card" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Lot settings</h2>
        <LotSettingsForm lot={lot} />
      </section>
      <section className="card" aria-labelledby="plan-heading">
        <h2 id="plan-heading">Rate plan</h2>
        <RatePlanEditor
          lotId={lot.id}
          plan={lotRatePlan(lot)}
          currency={lot.currency}
          timeZone={lot.timeZone}
          previewDays={Array.from({ length: 7 }, (_, i) => {
            const d = zonedDayBounds(new Date(now.getTime() + i * 86_400_000), lot.timeZone).start;
            return { label: formatDate(d, lot.timeZone), start: d.toISOString() };
          })}
        />
      </section>
    </div>
  );
}
