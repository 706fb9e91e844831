import { z } from "zod";
import { ErrorCode } from "@/lib/errors";
import { normalizePlate, PLATE_PATTERN } from "@/lib/plates";
import { VEHICLE_TYPES } from "@/lib/vehicle-types";
import { RatePlan as RatePlanSchema } from "@/lib/pricing/rate-plan";

// Every input of the public API and the server actions is parsed with these schemas, and
// GET /v1/openapi.json is generated from them, so the contract and the code cannot drift apart.

// Modules under lib/api/ are loaded only by routes and pages, never by instrumentation.ts, so their
// ids are registered once per process.
const RatePlan = RatePlanSchema.meta({ id: "RatePlan" });

export { VEHICLE_TYPES };
export const RESERVATION_STATUSES = [
  "pending_payment",
  "confirmed",
  "checked_in",
  "completed",
  "cancelled",
  "no_show",
  "expired",
] as const;

export const VehicleType = z.enum(VEHICLE_TYPES).meta({ id: "VehicleType" });
export const ReservationStatus = z.enum(RESERVATION_STATUSES).meta({ id: "ReservationStatus" });
const Uuid = z.uuid();

// ---- Central string and time validation (every text and instant of the API goes through these) ----

/** Bookings, quotes and gate reads live between these: outside, PostgreSQL and Intl overflow. */
export const EARLIEST_INSTANT = Date.UTC(2000, 0, 1);
export const LATEST_INSTANT = Date.UTC(2200, 0, 1);
export const Instant = z.iso
  .datetime({ offset: true })
  .refine(
    (v) => {
      const t = Date.parse(v);
      return t >= EARLIEST_INSTANT && t < LATEST_INSTANT;
    },
    { message: "must be between 2000-01-01 and 2200-01-01" },
  )
  .describe("ISO 8601 instant with a UTC offset, between 2000-01-01 and 2200-01-01");

// C0 and C1 control characters (NUL, ESC, DEL…): never part of a name, and NUL cannot be stored.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** One line of text a person typed: trimmed, no control characters, min..max characters. */
export const SingleLine = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((v) => !CONTROL.test(v), { message: "must not contain control characters" });

export const LicensePlate = z
  .string()
  .transform(normalizePlate)
  .refine((p) => PLATE_PATTERN.test(p), { message: "License plate must be 2–12 letters or digits" });

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
export const TimeZone = z.string().max(64).refine(isTimeZone, { message: "Unknown IANA time zone" });
export const Currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, "ISO 4217 currency code")
  .transform((c) => c.toUpperCase());

export const CreateReservationInput = z
  .object({
    user_id: Uuid.optional().describe("Defaults to the caller; operators may book for anyone"),
    lot_id: Uuid,
    vehicle_type: VehicleType,
    start_time: Instant,
    end_time: Instant,
    license_plate: LicensePlate.optional(),
  })
  .meta({ id: "CreateReservationInput" });

export const TimeWindowQuery = z.object({
  start_time: Instant,
  end_time: Instant,
});

export const ExtendReservationInput = z.object({ end_time: Instant }).meta({ id: "ExtendReservationInput" });

export const QuoteQuery = TimeWindowQuery.extend({ lot_id: Uuid, vehicle_type: VehicleType });

export const AvailabilityQuery = TimeWindowQuery.extend({ vehicle_type: VehicleType.optional() });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: SingleLine(1, 200).optional(),
});

export const ListReservationsQuery = ListQuery.extend({
  lot_id: Uuid.optional(),
  status: ReservationStatus.optional(),
  user_id: Uuid.optional(),
});

export const SpotsByType = z
  .object({ compact: z.number().int(), large: z.number().int(), ev: z.number().int(), handicapped: z.number().int() })
  .meta({ id: "SpotsByType" });

const RateMinor = z.number().int().min(0).max(10_000_000);
export const HourlyRates = z.object({ compact: RateMinor, large: RateMinor, ev: RateMinor, handicapped: RateMinor });

const SpotCountsInput = z.object({
  compact: z.number().int().min(0).max(5000).default(0),
  large: z.number().int().min(0).max(5000).default(0),
  ev: z.number().int().min(0).max(5000).default(0),
  handicapped: z.number().int().min(0).max(5000).default(0),
});

export const SpotInput = z.object({
  label: SingleLine(1, 32),
  vehicle_type: VehicleType,
  level: SingleLine(1, 16).default("G"),
  x: z.number().int().min(0).max(100_000).default(0),
  y: z.number().int().min(0).max(100_000).default(0),
  active: z.boolean().default(true),
});

export const AddSpotsInput = z
  .union([
    z.object({ counts: SpotCountsInput, level: SingleLine(1, 16).default("G") }),
    z.object({ spots: z.array(SpotInput).min(1).max(5000) }),
  ])
  .meta({ id: "AddSpotsInput" });

const LotFields = {
  name: SingleLine(1, 120),
  address: SingleLine(1, 300),
  time_zone: TimeZone,
  currency: Currency,
  grace_minutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  no_show_penalty: RateMinor,
  cancel_full_refund_minutes_before: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 60),
  cancel_late_refund_percent: z.number().int().min(0).max(100),
  max_reservation_minutes: z
    .number()
    .int()
    .min(15)
    .max(366 * 24 * 60),
  hold_minutes: z.number().int().min(1).max(120),
  overstay_tolerance_minutes: z.number().int().min(0).max(240),
  gate_entry_margin_minutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .describe("Gates let a car in this long before its start"),
  lpr_confidence_threshold: z.number().min(0).max(1).describe("Plate reads below this confidence ask for the QR pass"),
  allow_reentry: z.boolean().describe("Let a car that is checked in enter again (anti-passback off)"),
  rate_plan: RatePlan,
  hourly_rates: HourlyRates.describe("Shorthand: sets rate_plan.base_hourly"),
};

export const CreateLotInput = z
  .object({
    ...LotFields,
    grace_minutes: LotFields.grace_minutes.default(30),
    no_show_penalty: LotFields.no_show_penalty.default(0),
    cancel_full_refund_minutes_before: LotFields.cancel_full_refund_minutes_before.default(0),
    cancel_late_refund_percent: LotFields.cancel_late_refund_percent.default(0),
    max_reservation_minutes: LotFields.max_reservation_minutes.default(30 * 24 * 60),
    hold_minutes: LotFields.hold_minutes.default(10),
    overstay_tolerance_minutes: LotFields.overstay_tolerance_minutes.default(10),
    gate_entry_margin_minutes: LotFields.gate_entry_margin_minutes.default(15),
    lpr_confidence_threshold: LotFields.lpr_confidence_threshold.default(0.8),
    allow_reentry: LotFields.allow_reentry.default(false),
    rate_plan: RatePlan.optional().describe("Defaults to a flat plan at hourly_rates"),
    hourly_rates: HourlyRates.default({ compact: 300, large: 450, ev: 400, handicapped: 300 }),
    spots: AddSpotsInput.optional(),
  })
  .meta({ id: "CreateLotInput" });

export const UpdateLotInput = z
  .object(LotFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "Nothing to update" })
  .meta({ id: "UpdateLotInput" });

export const LotPaymentsQuery = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }).describe("At most 92 days after `from`"),
});

export const PaymentInput = z
  .object({
    reservation_id: Uuid,
    amount: z.number().int().min(0).describe("Must equal the reservation's quoted amount, in minor units"),
    payment_method_id: SingleLine(3, 255).describe(
      "A Stripe PaymentMethod id (pm_…); in the keyless demo also a test card number",
    ),
  })
  .meta({ id: "PaymentInput" });

// ---- Responses ----------------------------------------------------------------------------------

export const ReservationOut = z
  .object({
    reservation_id: Uuid,
    user_id: Uuid,
    lot_id: Uuid,
    spot_id: Uuid,
    spot_label: z.string(),
    vehicle_type: VehicleType,
    license_plate: z.string().nullable(),
    start_time: Instant,
    end_time: Instant,
    status: ReservationStatus,
    amount: z.number().int().describe("Quoted price in minor units of `currency`"),
    currency: z.string(),
    policy: z
      .object({
        grace_minutes: z.number().int(),
        no_show_penalty: z.number().int(),
        overstay_tolerance_minutes: z.number().int(),
        overstay_daily_cap: z.number().int().describe("Most a started day of overstay costs, in minor units"),
        cancel_full_refund_minutes_before: z.number().int(),
        cancel_late_refund_percent: z.number().int(),
      })
      .nullable()
      .describe("The terms shown at booking; later edits of the lot do not change them"),
  })
  .meta({ id: "Reservation" });

export const ExtendedReservationOut = ReservationOut.extend({
  extension_amount: z.number().int().describe("What the extra time cost, in minor units of `currency`"),
}).meta({ id: "ExtendedReservation" });

export const LotOut = z
  .object({
    id: Uuid,
    name: z.string(),
    address: z.string(),
    time_zone: z.string(),
    currency: z.string(),
    grace_minutes: z.number().int(),
    spots_by_type: SpotsByType,
  })
  .meta({ id: "Lot" });

export const LotDetailOut = LotOut.extend({
  no_show_penalty: z.number().int(),
  cancel_full_refund_minutes_before: z.number().int(),
  cancel_late_refund_percent: z.number().int(),
  max_reservation_minutes: z.number().int(),
  hold_minutes: z.number().int(),
  overstay_tolerance_minutes: z.number().int(),
  gate_entry_margin_minutes: z.number().int(),
  lpr_confidence_threshold: z.number(),
  allow_reentry: z.boolean(),
  rate_plan: RatePlan,
}).meta({ id: "LotDetail" });

export const SpotOut = z
  .object({
    id: Uuid,
    label: z.string(),
    level: z.string(),
    vehicle_type: VehicleType,
    x: z.number().int(),
    y: z.number().int(),
    active: z.boolean(),
  })
  .meta({ id: "Spot" });

export const AvailabilityOut = z
  .object({
    lot_id: Uuid,
    start_time: Instant,
    end_time: Instant,
    availability: z.array(
      z.object({
        vehicle_type: VehicleType,
        total_spots: z.number().int(),
        available_spots: z.number().int(),
        amount: z.number().int().describe("Price of this window in minor units"),
        currency: z.string(),
      }),
    ),
  })
  .meta({ id: "Availability" });

export const CancelOut = z
  .object({ reservation_id: Uuid, status: ReservationStatus, refund_amount: z.number().int(), currency: z.string() })
  .meta({ id: "CancelResult" });

export const QuoteOut = z
  .object({
    lot_id: Uuid,
    vehicle_type: VehicleType,
    start_time: Instant,
    end_time: Instant,
    total: z.number().int().describe("Minor units of `currency`"),
    currency: z.string(),
    occupancy: z.number().describe("Share of this type's spots already booked for the window, 0–1"),
    line_items: z.array(
      z.object({
        from: Instant,
        to: Instant,
        rate: z.number().nullable().describe("Minor units per hour after multipliers; null on adjustments"),
        amount: z.number().int(),
        reason: z.string(),
      }),
    ),
  })
  .meta({ id: "Quote" });

export const LedgerEntryOut = z
  .object({
    id: Uuid,
    reservation_id: Uuid,
    kind: z.enum(["charge", "refund", "penalty", "adjustment"]),
    status: z.enum(["pending", "succeeded", "failed", "needs_attention"]),
    amount: z.number().int().describe("Minor units; refunds are positive amounts of kind refund"),
    currency: z.string(),
    description: z.string().nullable(),
    failure_code: z.string().nullable(),
    attempts: z.number().int().describe("Calls to the processor so far"),
    last_error: z
      .string()
      .nullable()
      .describe("Why the last attempt failed; with needs_attention, what an operator must look at"),
    next_attempt_at: Instant.nullable().describe("When the sweeper tries again, for a pending movement that failed"),
    stripe_payment_intent_id: z.string().nullable(),
    stripe_refund_id: z.string().nullable(),
    created_at: Instant,
  })
  .meta({ id: "LedgerEntry" });

export const LedgerOut = z
  .object({
    data: z.array(LedgerEntryOut),
    net_paid: z.number().int().describe("Succeeded charges, penalties and adjustments minus succeeded refunds"),
    currency: z.string(),
  })
  .meta({ id: "Ledger" });

export const LotLedgerOut = z
  .object({
    lot_id: Uuid,
    currency: z.string(),
    from: Instant,
    to: Instant,
    totals: z
      .object({
        charge: z.number().int(),
        refund: z.number().int(),
        penalty: z.number().int(),
        adjustment: z.number().int(),
        net: z
          .number()
          .int()
          .describe("What the lot received in the period: charges, penalties and adjustments minus refunds"),
        pending: z.number().int().describe("Movements not yet settled, not counted above"),
        needs_attention: z
          .number()
          .int()
          .describe("Movements the processor refused or kept failing: an operator must look at them"),
      })
      .describe("Succeeded movements by kind, in minor units"),
    data: z.array(LedgerEntryOut),
  })
  .meta({ id: "LotLedger" });

export const PaymentOut = z
  .object({ transaction_id: Uuid, reservation_id: Uuid, status: z.enum(["succeeded"]) })
  .meta({ id: "PaymentResult" });

export const MeOut = z
  .object({ id: Uuid, email: z.string(), name: z.string(), role: z.enum(["driver", "operator"]) })
  .meta({ id: "Me" });

export const ErrorCodeSchema = ErrorCode.meta({ id: "ErrorCode" });

export const ErrorOut = z
  .object({
    error: z.object({ code: ErrorCodeSchema, message: z.string(), details: z.unknown().optional() }),
  })
  .meta({ id: "Error" });

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });
