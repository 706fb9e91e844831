import type { z } from "zod";
import type { Lot } from "@/db/schema";
import type { CheckInOut, CheckOutOut, GateReadInput } from "@/lib/api/gate-schemas";
import type { EntryVerdict, GateReason } from "./decide";
import type { GatePass } from "./gate-pass";
import { formatCharge, goodbyeMessage, refusalMessage, welcomeMessage } from "./messages";

export type GateRead = z.output<typeof GateReadInput>;
export type CheckInAnswer = z.output<typeof CheckInOut>;
export type CheckOutAnswer = z.output<typeof CheckOutOut>;

const spotOf = (p: GatePass) => ({
  reservation_id: p.reservation_id,
  spot_id: p.spot_id,
  spot_label: p.spot_label,
  level: p.level,
});

export function entryAnswer(v: EntryVerdict, lot: Pick<Lot, "timeZone">, eventId: string): CheckInAnswer {
  if (v.action === "open_barrier") {
    return {
      action: v.action,
      ...spotOf(v.pass),
      ...(v.reason ? { reason: v.reason } : {}),
      message: welcomeMessage(v.pass.spot_label, v.pass.level, v.reason === "reentry"),
      event_id: eventId,
    };
  }
  const opensAt = v.action === "deny" ? v.opensAt : undefined;
  return {
    action: v.action,
    ...(v.action === "deny" && v.pass ? spotOf(v.pass) : {}),
    reason: v.reason,
    message: refusalMessage(v.reason, { opensAt, timeZone: lot.timeZone }),
    event_id: eventId,
  };
}

export function exitAnswer(
  pass: GatePass | null,
  pendingCharges: number,
  lot: Pick<Lot, "currency">,
  reason: GateReason | undefined,
  eventId: string,
): CheckOutAnswer {
  const currency = pass?.currency ?? lot.currency;
  return {
    action: "open_barrier",
    ...(pass ? { reservation_id: pass.reservation_id, spot_label: pass.spot_label } : {}),
    pending_charges: pendingCharges,
    currency,
    ...(reason ? { reason } : {}),
    message: goodbyeMessage(pendingCharges, pendingCharges > 0 ? formatCharge(pendingCharges, currency) : null),
    event_id: eventId,
  };
}
