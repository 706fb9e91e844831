"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { CreateGateInput, OpenGateInput } from "@/lib/api/gate-schemas";
import { UpdateLotInput } from "@/lib/api/schemas";
import { setSpotInService } from "@/lib/allocation/move-bookings";
import { ApiError } from "@/lib/errors";
import { openGateByHand } from "@/lib/gates/commands";
import { createGate, rotateGateSecret } from "@/lib/gates/manage-gates";
import { updateLot } from "@/lib/lots/manage-lots";
import { findLot, findSpot } from "@/db/queries/lots";
import { toMinorUnits } from "@/components/format";
import { ratePlanFromFormData } from "@/components/dashboard/rate-plan-form-data";
import { validatedAction } from "./validated-action";

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
};
const num = (form: FormData, name: string) => (text(form, name) === "" ? undefined : Number(text(form, name)));
const dashboard = (form: FormData) => `/dashboard/lots/${encodeURIComponent(text(form, "lot_id"))}`;

async function lotCurrency(db: Parameters<Parameters<typeof validatedAction>[1]>[1]["db"], form: FormData) {
  const id = text(form, "lot_id");
  const lot = z.uuid().safeParse(id).success ? await findLot(db, id) : null;
  if (!lot) throw new ApiError("not_found", "Lot not found");
  return lot.currency;
}

const LotForm = z.object({ lot_id: z.uuid(), patch: UpdateLotInput });

// Dashboard form – edit a lot's settings, same schema and lib function as PATCH /v1/lots/{id}
export const updateLotSettings = validatedAction(
  LotForm,
  async ({ lot_id, patch }, { db }) => {
    const { lot } = await updateLot(db, lot_id, patch);
    refresh();
    return { success: `Saved ${lot.name}.` };
  },
  {
    operatorOnly: true,
    lotRole: "manager",
    audit: "lot.settings_updated",
    returnTo: dashboard,
    fromForm: async (form, db) => {
      const currency = await lotCurrency(db, form);
      return {
        lot_id: text(form, "lot_id"),
        patch: {
          name: text(form, "name"),
          address: text(form, "address"),
          grace_minutes: num(form, "grace_minutes"),
          no_show_penalty: toMinorUnits(text(form, "no_show_penalty"), currency),
          cancel_full_refund_minutes_before: num(form, "cancel_full_refund_minutes_before"),
          cancel_late_refund_percent: num(form, "cancel_late_refund_percent"),
          max_reservation_minutes: num(form, "max_reservation_minutes"),
          hold_minutes: num(form, "hold_minutes"),
          overstay_tolerance_minutes: num(form, "overstay_tolerance_minutes"),
          gate_entry_margin_minutes: num(form, "gate_entry_margin_minutes"),
          lpr_confidence_threshold: num(form, "lpr_confidence_threshold"),
          allow_reentry: form.get("allow_reentry") === "on",
        },
      };
    },
  },
);

async function ratePlanFromForm(form: FormData, db: Parameters<typeof lotCurrency>[0]) {
  return {
    lot_id: text(form, "lot_id"),
    patch: { rate_plan: ratePlanFromFormData(form, await lotCurrency(db, form)) },
  };
}

// Dashboard form – edit the rate plan; bookings already made keep the plan they were priced with
export const updateRatePlan = validatedAction(
  LotForm,
  async ({ lot_id, patch }, { db }) => {
    await updateLot(db, lot_id, patch);
    refresh();
    return { success: "Rate plan saved. New bookings and quotes use it from now on." };
  },
  {
    operatorOnly: true,
    lotRole: "manager",
    audit: "lot.rate_plan_updated",
    returnTo: dashboard,
    fromForm: ratePlanFromForm,
  },
);

const SpotForm = z.object({ lot_id: z.uuid(), spot_id: z.uuid(), in_service: z.boolean() });

// Dashboard form – take a spot out of service (its bookings move) or put it back
export const setSpotService = validatedAction(
  SpotForm,
  async ({ lot_id, spot_id, in_service }, { db, audit }) => {
    const spot = await findSpot(db, lot_id, spot_id);
    const { moved, flagged } = await setSpotInService(db, lot_id, spot_id, in_service);
    Object.assign(audit, {
      target: { type: "spot", id: spot_id },
      before: { lot_id, label: spot?.label, in_service: spot?.active },
      after: { lot_id, label: spot?.label, in_service, moved, flagged },
    });
    refresh();
    if (in_service) return { success: "Spot back in service." };
    const parts = [`Spot out of service.`];
    if (moved.length)
      parts.push(
        `${moved.length} booking${moved.length === 1 ? "" : "s"} moved (${moved.map((m) => `${m.from} → ${m.to}`).join(", ")}).`,
      );
    if (flagged.length)
      parts.push(
        `${flagged.length} booking${flagged.length === 1 ? "" : "s"} could not be moved: see "Needs attention".`,
      );
    return { success: parts.join(" ") };
  },
  {
    operatorOnly: true,
    lotRole: "manager",
    audit: "spot.service_changed",
    returnTo: dashboard,
    fromForm: (form) => ({
      lot_id: text(form, "lot_id"),
      spot_id: text(form, "spot_id"),
      in_service: text(form, "in_service") === "1",
    }),
  },
);

const GateForm = z.object({ lot_id: z.uuid(), gate: CreateGateInput });

// Dashboard form – add a gate; its secret is shown once
export const createGateAction = validatedAction(
  GateForm,
  async ({ lot_id, gate }, { db, audit }) => {
    const created = await createGate(db, lot_id, gate);
    Object.assign(audit, { target: { type: "gate", id: created.gate_id }, after: created });
    refresh();
    return { success: `Gate "${created.name}" added. Its secret, shown only now: ${created.secret}` };
  },
  {
    operatorOnly: true,
    lotRole: "manager",
    audit: "gate.created",
    returnTo: dashboard,
    fromForm: (form) => ({
      lot_id: text(form, "lot_id"),
      gate: { name: text(form, "name"), direction: text(form, "direction") },
    }),
  },
);

const GateRef = z.object({ lot_id: z.uuid(), gate_id: z.uuid() });

// Dashboard form – rotate a gate's secret; the old one stops working
export const rotateGateAction = validatedAction(
  GateRef,
  async ({ lot_id, gate_id }, { db }) => {
    const { secret } = await rotateGateSecret(db, lot_id, gate_id);
    refresh();
    return { success: `New secret, shown only now: ${secret}` };
  },
  { operatorOnly: true, lotRole: "manager", gateRole: "manager", audit: "gate.secret_rotated", returnTo: dashboard },
);

const OpenForm = GateRef.extend({ open: OpenGateInput });

// Dashboard form – open a barrier by hand, with a reason; same lib function as POST /v1/gates/{id}/open
export const openGateAction = validatedAction(
  OpenForm,
  async ({ gate_id, open }, { db, caller, audit }) => {
    audit.after = { command: await openGateByHand(db, caller, gate_id, open.reason) };
    refresh();
    return { success: "Open command sent to the gate. It is in the gate log with your name and reason." };
  },
  {
    operatorOnly: true,
    gateRole: "attendant",
    audit: "gate.opened_by_hand",
    returnTo: dashboard,
    fromForm: (form) => ({
      lot_id: text(form, "lot_id"),
      gate_id: text(form, "gate_id"),
      open: { reason: text(form, "reason") },
    }),
  },
);
