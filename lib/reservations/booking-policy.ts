import type { BookingPolicySnapshot } from "@/db/schema";
import type { Lot, Reservation, VehicleType } from "@/db/schema";
import type { RatePlan } from "@/lib/pricing/rate-plan";
import { overstayDailyCap } from "@/lib/refunds/overstay";
import { bookedPlan } from "./price-booking";

/**
 * The terms a driver is shown when booking, kept on the reservation (reservations.policy) so that
 * an operator editing the lot afterwards changes what new bookings owe, never what this one does.
 */
export type BookingPolicy = BookingPolicySnapshot;

export function policyAtBooking(lot: Lot, plan: RatePlan, vehicleType: VehicleType): BookingPolicy {
  return {
    grace_minutes: lot.graceMinutes,
    no_show_penalty: lot.noShowPenalty,
    overstay_tolerance_minutes: lot.overstayToleranceMinutes,
    overstay_daily_cap: overstayDailyCap(plan, vehicleType),
    cancel_full_refund_minutes_before: lot.cancelFullRefundMinutesBefore,
    cancel_late_refund_percent: lot.cancelLateRefundPercent,
  };
}

/** The policy a reservation was booked under; bookings made before it was kept fall back to the lot's. */
export function bookedPolicy(r: Pick<Reservation, "policy" | "pricing" | "vehicleType">, lot: Lot): BookingPolicy {
  const fallback = policyAtBooking(lot, bookedPlan(r, lot).plan, r.vehicleType);
  return { ...fallback, ...(r.policy as Partial<BookingPolicy> | null) };
}
