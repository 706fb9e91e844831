import type { Lot, Payment, Spot, SpotCounts } from "@/db/schema";
import type { ReservationWithSpot } from "@/db/queries/reservations";
import { ApiError } from "@/lib/errors";

export function reservationOut(r: ReservationWithSpot) {
  return {
    reservation_id: r.id,
    user_id: r.userId,
    lot_id: r.lotId,
    spot_id: r.spotId,
    spot_label: r.spotLabel,
    vehicle_type: r.vehicleType,
    license_plate: r.licensePlate,
    start_time: r.startTime.toISOString(),
    end_time: r.endTime.toISOString(),
    status: r.status,
    amount: r.amount,
    currency: r.currency,
    // The terms shown at booking (grace, no-show penalty, overstay tolerance and cap, cancellation);
    // null for bookings made before they were kept.
    policy: r.policy ?? null,
  };
}

export function lotOut(l: Lot, counts: SpotCounts) {
  return {
    id: l.id,
    name: l.name,
    address: l.address,
    time_zone: l.timeZone,
    currency: l.currency,
    grace_minutes: l.graceMinutes,
    spots_by_type: counts,
  };
}

export function lotDetailOut(l: Lot, counts: SpotCounts) {
  return {
    ...lotOut(l, counts),
    no_show_penalty: l.noShowPenalty,
    cancel_full_refund_minutes_before: l.cancelFullRefundMinutesBefore,
    cancel_late_refund_percent: l.cancelLateRefundPercent,
    max_reservation_minutes: l.maxReservationMinutes,
    hold_minutes: l.holdMinutes,
    overstay_tolerance_minutes: l.overstayToleranceMinutes,
    gate_entry_margin_minutes: l.gateEntryMarginMinutes,
    lpr_confidence_threshold: l.lprConfidenceThreshold,
    allow_reentry: l.allowReentry,
    rate_plan: l.ratePlan,
  };
}

export function spotOut(s: Spot) {
  return { id: s.id, label: s.label, level: s.level, vehicle_type: s.vehicleType, x: s.x, y: s.y, active: s.active };
}

// Opaque cursors: base64url of "<created_at ISO>|<id>".
export function encodeCursor(row: { createdAt: Date; id: string }) {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const [ts, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(ts ?? "");
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new ApiError("bad_request", "Invalid cursor");
  }
  return { createdAt, id };
}

/** Takes the `limit + 1` rows a list query fetched and returns the page plus the next cursor. */
export function pageOf<T extends { createdAt: Date; id: string }, O>(rows: T[], limit: number, map: (r: T) => O) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { data: items.map(map), next_cursor: more ? encodeCursor(items[items.length - 1]!) : null };
}

export function ledgerEntryOut(p: Payment) {
  return {
    id: p.id,
    reservation_id: p.reservationId,
    kind: p.kind,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    description: p.description,
    failure_code: p.failureCode,
    // Retries of a movement the processor has not accepted yet, and why (needs_attention: an operator acts).
    attempts: p.attempts,
    last_error: p.lastError,
    next_attempt_at: p.nextAttemptAt?.toISOString() ?? null,
    stripe_payment_intent_id: p.stripePaymentIntentId,
    stripe_refund_id: p.stripeRefundId,
    created_at: p.createdAt.toISOString(),
  };
}
