"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { AddSpotsInput, CreateLotInput, VEHICLE_TYPES } from "@/lib/api/schemas";
import { ApiError } from "@/lib/errors";
import { addSpots, createLot } from "@/lib/lots/manage-lots";
import { toMinorUnits } from "@/components/format";
import { insertAudit } from "@/db/queries/audit";
import { organisationForNewLot } from "@/lib/organisations/organisation-for-new-lot";
import { validatedAction } from "./validated-action";

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
};

/** Blank means "not given" (the schema's default applies); anything else must parse as a number. */
const numberOrDefault = (form: FormData, name: string) => {
  const v = text(form, name);
  return v === "" ? undefined : Number(v);
};

const countsFrom = (form: FormData) =>
  Object.fromEntries(VEHICLE_TYPES.map((t) => [t, numberOrDefault(form, `count_${t}`) ?? 0]));

// Dashboard form – create a lot, same schema and lib function as POST /v1/lots
export const createLotAction = validatedAction(
  CreateLotInput,
  async (input, { db, caller, form }) => {
    const organisationId = await organisationForNewLot(db, caller, text(form, "organisation_id") || null);
    const { lot, counts } = await createLot(db, input, organisationId);
    await insertAudit(db, {
      organisationId,
      actorId: caller.id,
      action: "lot.created",
      targetType: "lot",
      targetId: lot.id,
      after: { name: lot.name, counts },
    });
    refresh();
    const spots = Object.values(counts).reduce((a, b) => a + b, 0);
    return { success: `Created ${lot.name} with ${spots} spot${spots === 1 ? "" : "s"}.` };
  },
  {
    operatorOnly: true,
    returnTo: () => "/dashboard",
    fromForm: (form) => {
      const currency = text(form, "currency").toUpperCase();
      const counts = countsFrom(form);
      const anySpots = Object.values(counts).some((n) => n !== 0);
      return {
        name: text(form, "name"),
        address: text(form, "address"),
        time_zone: text(form, "time_zone"),
        currency,
        // Rates are typed in major units ("3.50" EUR); the schema and the database hold minor units.
        hourly_rates: Object.fromEntries(
          VEHICLE_TYPES.map((t) => [t, toMinorUnits(text(form, `rate_${t}`), currency)]),
        ),
        grace_minutes: numberOrDefault(form, "grace_minutes"),
        no_show_penalty:
          text(form, "no_show_penalty") === "" ? undefined : toMinorUnits(text(form, "no_show_penalty"), currency),
        cancel_full_refund_minutes_before: numberOrDefault(form, "cancel_full_refund_minutes_before"),
        cancel_late_refund_percent: numberOrDefault(form, "cancel_late_refund_percent"),
        spots: anySpots ? { counts, level: text(form, "level") || undefined } : undefined,
      };
    },
  },
);

const AddSpotsForm = z.object({ lot_id: z.uuid(), spots: AddSpotsInput });

// Dashboard form – add spots by count, same schema and lib function as POST /v1/lots/{id}/spots
export const addSpotsAction = validatedAction(
  AddSpotsForm,
  async ({ lot_id, spots }, { db, audit }) => {
    const added = await addSpots(db, lot_id, spots);
    audit.after = { spots_added: added.map((s) => s.label) };
    refresh();
    return {
      success: `Added ${added.length} spot${added.length === 1 ? "" : "s"}${added[0] ? ` on level ${added[0].level}` : ""}.`,
    };
  },
  {
    operatorOnly: true,
    lotRole: "manager",
    audit: "lot.spots_added",
    returnTo: () => "/dashboard",
    fromForm: (form) => {
      const counts = countsFrom(form);
      if (Object.values(counts).every((n) => n === 0)) {
        throw new ApiError("validation_failed", "Enter how many spots to add", [
          { path: "count_compact", message: "Enter how many spots of at least one type to add" },
        ]);
      }
      return { lot_id: text(form, "lot_id"), spots: { counts, level: text(form, "level") || undefined } };
    },
  },
);
