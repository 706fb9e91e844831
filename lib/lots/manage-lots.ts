import type { z } from "zod";
import type { Db, DbOrTx } from "@/db/client";
import {
  activeSpotCounts,
  analyzeSpots,
  findLot,
  insertLot,
  insertSpots,
  lockLot,
  spotsFromCounts,
  takenSpotLabels,
  updateLotRow,
} from "@/db/queries/lots";
import type { Lot, NewLot, NewSpot, VehicleType } from "@/db/schema";
import { noteCapacityChange, rebuildAvailability } from "@/lib/availability";
import type { AddSpotsInput, CreateLotInput, UpdateLotInput } from "@/lib/api/schemas";
import { unfinishedBookings } from "@/db/queries/lot-money";
import { ApiError } from "@/lib/errors";
import { lifecycleTransaction } from "@/lib/lifecycle/effects";
import { DEFAULT_RATE_PLAN } from "@/lib/pricing/rate-plan";

type AddSpots = z.output<typeof AddSpotsInput>;

async function addSpotRows(tx: DbOrTx, lot: Lot, input: AddSpots) {
  const rows: NewSpot[] =
    "counts" in input
      ? await spotsFromCounts(tx, lot, input.counts, input.level)
      : input.spots.map((s) => ({
          lotId: lot.id,
          label: s.label,
          level: s.level,
          vehicleType: s.vehicle_type,
          x: s.x,
          y: s.y,
          active: s.active,
        }));
  if (rows.length === 0) return [];
  const labels = rows.map((r) => r.label);
  if (new Set(labels).size !== labels.length) throw new ApiError("validation_failed", "Spot labels must be unique");
  const clash = await takenSpotLabels(tx, lot.id, labels);
  if (clash.length) throw new ApiError("conflict", "Some spot labels already exist in this lot", { labels: clash });
  const types = [...new Set(rows.map((r) => r.vehicleType))] as VehicleType[];
  await noteCapacityChange(tx, lot.id, types);
  return insertSpots(tx, rows);
}

/** Spots added at once from which the planner's statistics are refreshed (a new lot, an extension). */
const MANY_SPOTS = 100;

async function afterSpotChange(db: Db, lotId: string, added: { vehicleType: VehicleType }[]) {
  // A lot opened for an event is booked the minute it exists: plan its bookings with its spots known.
  if (added.length >= MANY_SPOTS) await analyzeSpots(db);
  for (const t of new Set(added.map((s) => s.vehicleType))) await rebuildAvailability(db, lotId, t);
}

/** The API's snake_case lot fields as columns; absent fields stay undefined (drizzle skips them). */
function lotColumns(input: z.output<typeof UpdateLotInput>) {
  return {
    name: input.name,
    address: input.address,
    timeZone: input.time_zone,
    currency: input.currency,
    graceMinutes: input.grace_minutes,
    noShowPenalty: input.no_show_penalty,
    cancelFullRefundMinutesBefore: input.cancel_full_refund_minutes_before,
    cancelLateRefundPercent: input.cancel_late_refund_percent,
    maxReservationMinutes: input.max_reservation_minutes,
    holdMinutes: input.hold_minutes,
    overstayToleranceMinutes: input.overstay_tolerance_minutes,
    gateEntryMarginMinutes: input.gate_entry_margin_minutes,
    lprConfidenceThreshold: input.lpr_confidence_threshold,
    allowReentry: input.allow_reentry,
  } satisfies Partial<NewLot>;
}

export async function createLot(db: Db, input: z.output<typeof CreateLotInput>, organisationId: string) {
  // A lifecycleTransaction for its after-commit step: the availability cache forgets the capacity.
  const { lot, added } = await lifecycleTransaction(db, async (tx) => {
    const lot = await insertLot(tx, {
      ...lotColumns(input),
      organisationId,
      name: input.name,
      address: input.address,
      timeZone: input.time_zone,
      currency: input.currency,
      ratePlan: input.rate_plan ?? DEFAULT_RATE_PLAN(input.hourly_rates),
    });
    const added = input.spots ? await addSpotRows(tx, lot, input.spots) : [];
    return { lot, added };
  });
  await afterSpotChange(db, lot.id, added);
  return { lot, counts: (await activeSpotCounts(db, [lot.id])).get(lot.id)! };
}

export async function updateLot(db: Db, id: string, input: z.output<typeof UpdateLotInput>) {
  const current = await findLot(db, id);
  if (!current) throw new ApiError("not_found", "Lot not found");
  const plan = input.rate_plan ?? current.ratePlan;
  const patch: Partial<NewLot> = {
    ...lotColumns(input),
    // Bookings already made keep the plan they were priced with (reservations.pricing).
    ratePlan: input.hourly_rates ? { ...plan, base_hourly: input.hourly_rates } : plan,
  };
  const lot = await db.transaction(async (tx) => {
    if (input.currency && input.currency !== current.currency) {
      // Locked against a concurrent edit of the lot. A booking racing this change keeps the
      // currency it was priced in (reservations.currency), so its own money stays consistent.
      await lockLot(tx, id);
      const n = await unfinishedBookings(tx, id);
      if (n > 0) {
        throw new ApiError("conflict", `The currency cannot change while ${n} booking(s) of this lot are unfinished`, {
          unfinished_bookings: n,
        });
      }
    }
    return updateLotRow(tx, id, patch);
  });
  if (!lot) throw new ApiError("not_found", "Lot not found");
  return { lot, counts: (await activeSpotCounts(db, [lot.id])).get(lot.id)! };
}

export async function addSpots(db: Db, lotId: string, input: AddSpots) {
  const added = await lifecycleTransaction(db, async (tx) => {
    const lot = await findLot(tx, lotId);
    if (!lot) throw new ApiError("not_found", "Lot not found");
    return addSpotRows(tx, lot, input);
  });
  await afterSpotChange(db, lotId, added);
  return added;
}
