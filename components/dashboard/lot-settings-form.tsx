import { updateLotSettings } from "@/app/actions/dashboard";
import type { Lot } from "@/db/schema";
import { fractionDigits } from "@/components/format";
import { ActionForm } from "./action-form";

type Field = {
  name: string;
  label: string;
  value: string | number;
  type?: "number" | "text";
  step?: string;
  hint?: string;
};

/** Every setting PATCH /v1/lots/{id} takes except the rate plan (its own editor) and the zone and currency (fixed once bookings exist). */
export function LotSettingsForm({ lot }: { lot: Lot }) {
  const fields: Field[] = [
    { name: "name", label: "Name", value: lot.name, type: "text" },
    { name: "address", label: "Address", value: lot.address, type: "text" },
    { name: "grace_minutes", label: "Grace period (minutes after the start)", value: lot.graceMinutes },
    {
      name: "no_show_penalty",
      label: `No-show fee (${lot.currency})`,
      value: (lot.noShowPenalty / 10 ** fractionDigits(lot.currency)).toString(),
      type: "text",
    },
    {
      name: "cancel_full_refund_minutes_before",
      label: "Full refund until (minutes before start)",
      value: lot.cancelFullRefundMinutesBefore,
    },
    { name: "cancel_late_refund_percent", label: "Refund after that (%)", value: lot.cancelLateRefundPercent },
    { name: "max_reservation_minutes", label: "Longest booking (minutes)", value: lot.maxReservationMinutes },
    { name: "hold_minutes", label: "Unpaid hold (minutes)", value: lot.holdMinutes },
    { name: "overstay_tolerance_minutes", label: "Overstay tolerance (minutes)", value: lot.overstayToleranceMinutes },
    { name: "gate_entry_margin_minutes", label: "Gate opens early by (minutes)", value: lot.gateEntryMarginMinutes },
    {
      name: "lpr_confidence_threshold",
      label: "Plate-read confidence needed (0–1)",
      value: lot.lprConfidenceThreshold,
      step: "0.01",
    },
  ];
  return (
    <ActionForm
      action={updateLotSettings}
      hidden={{ lot_id: lot.id }}
      submit="Save settings"
      variant="primary"
      className="settings-form"
    >
      <div className="form-grid">
        {fields.map((f) => (
          <div className="field" key={f.name}>
            <label htmlFor={`${lot.id}-${f.name}`}>{f.label}</label>
            <input
              id={`${lot.id}-${f.name}`}
              name={f.name}
              type={f.type ?? "number"}
              step={f.step}
              inputMode={f.type === "text" ? undefined : "numeric"}
              defaultValue={f.value}
              required
            />
          </div>
        ))}
      </div>
      <label className="check">
        <input type="checkbox" name="allow_reentry" defaultChecked={lot.allowReentry} /> Let a parked car enter again
        (anti-passback off)
      </label>
      <p className="muted small">
        Time zone {lot.timeZone} and currency {lot.currency} are fixed: existing bookings were priced in them.
      </p>
    </ActionForm>
  );
}
