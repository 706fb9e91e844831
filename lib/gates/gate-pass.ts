import type { ReservationWithSpot } from "@/db/queries/reservations";
import type { BookingPolicySnapshot, VehicleType } from "@/db/schema";
import type { RatePlan } from "@/lib/pricing/rate-plan";
import type { PricingSnapshot } from "@/lib/reservations/price-booking";

/** Statuses a car can pass a barrier with: booked and paid, or parked. */
export const PASS_STATUSES = ["confirmed", "checked_in"] as const;
export type PassStatus = (typeof PASS_STATUSES)[number];

/**
 * What a gate needs to decide about one reservation without PostgreSQL: kept in Redis under the
 * plate (per lot) and under the reservation id (for QR passes) while the reservation is confirmed
 * or checked in. The booked rate plan rides along so an exit can state the overstay at once.
 */
export type GatePass = {
  reservation_id: string;
  lot_id: string;
  spot_id: string;
  spot_label: string;
  level: string;
  plate: string | null;
  status: PassStatus;
  start: string;
  end: string;
  vehicle_type: VehicleType;
  currency: string;
  /** The plan of the booking's pricing snapshot; null for rows priced before snapshots existed. */
  plan: RatePlan | null;
  /**
   * The terms the gate applies as shown at booking (reservations.policy): the entry grace and the
   * overstay tolerance and daily cap. Absent for rows booked before snapshots existed (then the
   * lot's current terms apply, as bookedPolicy does).
   */
  policy?: GatePolicy | null;
};

export type GatePolicy = Pick<
  BookingPolicySnapshot,
  "grace_minutes" | "overstay_tolerance_minutes" | "overstay_daily_cap"
>;

export const isPassStatus = (s: string): s is PassStatus => (PASS_STATUSES as readonly string[]).includes(s);

export function gatePassOf(r: ReservationWithSpot & { spotLevel: string }): GatePass | null {
  if (!isPassStatus(r.status)) return null;
  return {
    reservation_id: r.id,
    lot_id: r.lotId,
    spot_id: r.spotId,
    spot_label: r.spotLabel,
    level: r.spotLevel,
    plate: r.licensePlate,
    status: r.status,
    start: r.startTime.toISOString(),
    end: r.endTime.toISOString(),
    vehicle_type: r.vehicleType,
    currency: r.currency,
    plan: (r.pricing as Partial<PricingSnapshot> | null)?.plan ?? null,
    policy: r.policy
      ? {
          grace_minutes: r.policy.grace_minutes,
          overstay_tolerance_minutes: r.policy.overstay_tolerance_minutes,
          overstay_daily_cap: r.policy.overstay_daily_cap,
        }
      : null,
  };
}

/** Keys stay a day past the end, so an exit a day late still finds its pass; then they expire on their own. */
export const PASS_AFTER_END_MS = 24 * 3600_000;

export function passTtlSeconds(passes: Pick<GatePass, "end">[], now = Date.now()) {
  const last = Math.max(...passes.map((p) => Date.parse(p.end)));
  return Math.max(60, Math.ceil((last + PASS_AFTER_END_MS - now) / 1000));
}
