import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { RatePlan } from "@/lib/pricing/rate-plan";
import { VEHICLE_TYPES } from "@/lib/vehicle-types";

export const vehicleTypeEnum = pgEnum("vehicle_type", VEHICLE_TYPES);
export const userRoleEnum = pgEnum("user_role", ["driver", "operator"]);
export const reservationStatusEnum = pgEnum("reservation_status", [
  "pending_payment",
  "confirmed",
  "checked_in",
  "completed",
  "cancelled",
  "no_show",
  "expired",
]);
export const paymentKindEnum = pgEnum("payment_kind", ["charge", "refund", "penalty", "adjustment"]);
/** needs_attention: the processor kept refusing a movement; an operator sees why (last_error). */
export const paymentStatusEnum = pgEnum("payment_status", ["pending", "succeeded", "failed", "needs_attention"]);
export const gateDirectionEnum = pgEnum("gate_direction", ["entry", "exit"]);
export const gateEventKindEnum = pgEnum("gate_event_kind", ["entry", "exit", "manual_open"]);
/** What became of an exit's charges; operators reconcile the offline ones ("unable to collect"). */
export const gateCollectionEnum = pgEnum("gate_collection", [
  "nothing_due",
  "collected",
  "pending",
  "collected_offline",
  "unable_to_collect",
]);

export type VehicleType = (typeof vehicleTypeEnum.enumValues)[number];
export type ReservationStatus = (typeof reservationStatusEnum.enumValues)[number];

const tstzrange = customType<{ data: string }>({ dataType: () => "tstzrange" });
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique("users_email_key"),
  name: text("name").notNull(),
  role: userRoleEnum("role").notNull().default("driver"),
  passwordHash: text("password_hash"),
  /** The payment processor's customer, created on the first payment; holds saved payment methods. */
  stripeCustomerId: text("stripe_customer_id"),
  /** Bumped by "sign out everywhere" and a password change: sessions signed with an older one end. */
  sessionVersion: integer("session_version").notNull().default(0),
  createdAt: createdAt(),
});

/** Personal API tokens: only the SHA-256 of the token is stored; the token itself is shown once. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique("api_tokens_token_hash_key"),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    /** What the token may do: `read`, `book` (reserve, pay, cancel), `operate` (lots, gates, members). */
    scopes: text("scopes")
      .array()
      .notNull()
      .default(sql`'{read,book,operate}'`),
    /** A revoked token is refused at once; the row stays so the owner sees when and what. */
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("api_tokens_user_id_idx").on(t.userId)],
);

export type SpotCounts = Record<VehicleType, number>;

export const lots = pgTable(
  "lots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Who runs the lot: every lot-scoped read and write is checked against the caller's membership. */
    organisationId: uuid("organisation_id")
      .notNull()
      .references((): AnyPgColumn => organisations.id),
    name: text("name").notNull(),
    address: text("address").notNull(),
    timeZone: text("time_zone").notNull(),
    currency: text("currency").notNull(),
    graceMinutes: integer("grace_minutes").notNull().default(30),
    noShowPenalty: integer("no_show_penalty").notNull().default(0),
    /** Minutes before start until which a cancellation is refunded in full (0 = until the start). */
    cancelFullRefundMinutesBefore: integer("cancel_full_refund_minutes_before").notNull().default(0),
    /** Share (0–100) refunded for a cancellation after that cut-off. */
    cancelLateRefundPercent: integer("cancel_late_refund_percent").notNull().default(0),
    maxReservationMinutes: integer("max_reservation_minutes")
      .notNull()
      .default(30 * 24 * 60),
    /** How long an unpaid booking holds its spot. */
    holdMinutes: integer("hold_minutes").notNull().default(10),
    /** Check-out this long after end_time is not yet an overstay (shown to the driver). */
    overstayToleranceMinutes: integer("overstay_tolerance_minutes").notNull().default(10),
    /** Gates open this many minutes before a reservation's start (until start + grace). */
    gateEntryMarginMinutes: integer("gate_entry_margin_minutes").notNull().default(15),
    /** Camera plate reads below this confidence (0–1) ask the driver for the QR pass instead. */
    lprConfidenceThreshold: doublePrecision("lpr_confidence_threshold").notNull().default(0.8),
    /** Anti-passback: a second entry while checked in is refused unless this is set. */
    allowReentry: boolean("allow_reentry").notNull().default(false),
    /** The price list (lib/pricing/rate-plan.ts), validated on write; bookings keep a copy of it. */
    ratePlan: jsonb("rate_plan").$type<RatePlan>().notNull(),
    /** The demo seed's stable key for lots it created (never the name, which operators may edit). */
    seedKey: text("seed_key").unique("lots_seed_key_key"),
    // --- site (0010_site.sql): where the lot is, for search by city and distance and the map ---
    city: text("city"),
    /** WGS84 degrees; null until the operator places the lot (it is then listed but not on the map). */
    latitude: doublePrecision("latitude"),
    longitude: doublePrecision("longitude"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("lots_organisation_id_idx").on(t.organisationId)],
);

export const spots = pgTable(
  "spots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    lotId: uuid("lot_id")
      .notNull()
      .references(() => lots.id, { onDelete: "cascade" }),
    label: text("label").notNull(),
    level: text("level").notNull().default("G"),
    vehicleType: vehicleTypeEnum("vehicle_type").notNull(),
    x: integer("x").notNull().default(0),
    y: integer("y").notNull().default(0),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("spots_lot_id_label_key").on(t.lotId, t.label),
    index("spots_lot_id_vehicle_type_idx").on(t.lotId, t.vehicleType, t.label),
  ],
);

/** The terms shown at booking, kept on the reservation (lib/reservations/booking-policy.ts). */
export type BookingPolicySnapshot = {
  grace_minutes: number;
  no_show_penalty: number;
  overstay_tolerance_minutes: number;
  /** Most a started day of overstay costs (the plan's daily maximum, or the default cap). */
  overstay_daily_cap: number;
  cancel_full_refund_minutes_before: number;
  cancel_late_refund_percent: number;
};

export const reservations = pgTable(
  "reservations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    lotId: uuid("lot_id")
      .notNull()
      .references(() => lots.id),
    spotId: uuid("spot_id")
      .notNull()
      .references(() => spots.id),
    vehicleType: vehicleTypeEnum("vehicle_type").notNull(),
    licensePlate: text("license_plate"),
    startTime: timestamp("start_time", { withTimezone: true }).notNull(),
    endTime: timestamp("end_time", { withTimezone: true }).notNull(),
    // Half-open so back-to-back bookings (10:00–12:00, 12:00–14:00) do not conflict.
    period: tstzrange("period")
      .notNull()
      .generatedAlwaysAs(sql`tstzrange(start_time, end_time, '[)')`),
    status: reservationStatusEnum("status").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    holdExpiresAt: timestamp("hold_expires_at", { withTimezone: true }),
    /** The quote the driver booked at (plan, occupancy, line items): later refunds use the same plan. */
    pricing: jsonb("pricing").$type<Record<string, unknown>>(),
    /** The lot's policy shown at booking (lib/reservations/booking-policy.ts); null on older rows. */
    policy: jsonb("policy").$type<BookingPolicySnapshot>(),
    stripePaymentIntentId: text("stripe_payment_intent_id"),
    /** Saved on payment, for off-session charges (overstay, extension, no-show penalty). */
    paymentMethodId: text("payment_method_id"),
    paymentAttempts: integer("payment_attempts").notNull().default(0),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    checkedInAt: timestamp("checked_in_at", { withTimezone: true }),
    checkedOutAt: timestamp("checked_out_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("reservations_user_id_idx").on(t.userId, t.createdAt),
    index("reservations_lot_id_idx").on(t.lotId, t.startTime),
    index("reservations_license_plate_idx").on(t.licensePlate),
    // site (0015): the overstay sweep's finder.
    index("reservations_checked_in_end_idx")
      .on(t.endTime)
      .where(sql`status = 'checked_in'`),
  ],
);

/** Every lifecycle transition, with what caused it: the reservation's audit trail. */
export const reservationTransitions = pgTable(
  "reservation_transitions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reservationId: uuid("reservation_id")
      .notNull()
      .references(() => reservations.id),
    fromStatus: reservationStatusEnum("from_status").notNull(),
    toStatus: reservationStatusEnum("to_status").notNull(),
    /** What caused it: driver, operator, payment, webhook, gate, scheduler, inngest. */
    cause: text("cause").notNull(),
    actorId: uuid("actor_id"),
    note: text("note"),
    createdAt: createdAt(),
  },
  (t) => [
    index("reservation_transitions_reservation_id_idx").on(t.reservationId, t.createdAt),
    // site (0015): the confirmation e-mail sweep's finder.
    index("reservation_transitions_confirmed_idx")
      .on(t.createdAt)
      .where(sql`to_status = 'confirmed'`),
  ],
);

export type PaymentContext = { extension?: { from: string; to: string } };

/** The money ledger: one row per movement; the idempotency key makes retries move money once. */
export const payments = pgTable(
  "payments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reservationId: uuid("reservation_id")
      .notNull()
      .references(() => reservations.id),
    kind: paymentKindEnum("kind").notNull(),
    status: paymentStatusEnum("status").notNull().default("pending"),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    stripePaymentIntentId: text("stripe_payment_intent_id"),
    stripeRefundId: text("stripe_refund_id"),
    /** Why the money moved, for operators reconciling ("Cancellation refund", "Overstay 40 min"). */
    description: text("description"),
    failureCode: text("failure_code"),
    idempotencyKey: text("idempotency_key").notNull().unique("payments_idempotency_key_key"),
    /** Processor calls made for this row; after MAX_ATTEMPTS it is parked as needs_attention. */
    attempts: integer("attempts").notNull().default(0),
    /** Back-off: the sweeper leaves the row alone until then. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    /** The processor's last error for this row, shown to operators on the ledger. */
    lastError: text("last_error"),
    /** What the movement is for, when undoing it needs more than the amount (an extension's old end). */
    context: jsonb("context").$type<PaymentContext>(),
    createdAt: createdAt(),
  },
  (t) => [
    index("payments_reservation_id_idx").on(t.reservationId),
    index("payments_stripe_payment_intent_id_idx").on(t.stripePaymentIntentId),
    // Pending rows are money movements decided but not yet confirmed by the processor: a sweeper
    // re-drives them with the same idempotency key.
    index("payments_pending_idx")
      .on(t.createdAt)
      .where(sql`status = 'pending'`),
  ],
);

/** Stripe webhook events already handled: a replayed event id changes nothing. */
export const stripeEvents = pgTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});

export const gateDevices = pgTable(
  "gate_devices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    lotId: uuid("lot_id")
      .notNull()
      .references(() => lots.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    direction: gateDirectionEnum("direction").notNull(),
    /** SHA-256 of the gate's secret (`gk_…`), which is shown once on creation or rotation. */
    secretHash: text("secret_hash").notNull().unique("gate_devices_secret_hash_key"),
    secretRotatedAt: timestamp("secret_rotated_at", { withTimezone: true }),
    createdAt: createdAt(),
    // gate: health the bridge reports on its pairing check (0009_gates_unattended.sql)
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    /** The last contact before the latest silence: offline replays cannot have happened before it. */
    outageStartedAt: timestamp("outage_started_at", { withTimezone: true }),
    bridgeVersion: text("bridge_version"),
    queueLength: integer("queue_length"),
    cacheAgeS: integer("cache_age_s"),
    relayState: text("relay_state"),
  },
  (t) => [
    index("gate_devices_lot_id_idx").on(t.lotId),
    uniqueIndex("gate_devices_lot_id_name_key").on(t.lotId, t.name),
  ],
);

export const gateEvents = pgTable(
  "gate_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The bridge's id for the read (or ours): a replayed offline event with the same id is recorded once. */
    eventId: uuid("event_id").notNull().defaultRandom().unique("gate_events_event_id_key"),
    gateId: uuid("gate_id")
      .notNull()
      .references(() => gateDevices.id),
    lotId: uuid("lot_id")
      .notNull()
      .references(() => lots.id),
    reservationId: uuid("reservation_id").references(() => reservations.id),
    kind: gateEventKindEnum("kind").notNull(),
    identifier: text("identifier").notNull(),
    action: text("action").notNull(),
    reason: text("reason"),
    latencyMs: integer("latency_ms"),
    /** When the car was at the barrier; for an offline replay, the bridge's clock. */
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    /** Decided by the bridge alone while the server was unreachable, reported later. */
    offline: boolean("offline").notNull().default(false),
    pendingCharges: integer("pending_charges"),
    currency: text("currency"),
    collection: gateCollectionEnum("collection"),
    /** The operator who opened the barrier by hand. */
    actorId: uuid("actor_id").references(() => users.id),
    /** The answer the gate got, returned again for a duplicate read or a replay of the same event id. */
    response: jsonb("response").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    // gate: what the barrier did, and disagreements for operators (0009_gates_unattended.sql)
    /** opened, denied or relay_failed, as the bridge reported it. */
    barrier: text("barrier"),
    /** barrier_disagreed, relay_failed, clock_adjusted: something an operator should look at. */
    flag: text("flag"),
  },
  (t) => [
    index("gate_events_lot_id_idx").on(t.lotId, t.createdAt),
    index("gate_events_gate_id_idx").on(t.gateId, t.createdAt),
    index("gate_events_collection_idx")
      .on(t.lotId, t.collection)
      .where(sql`collection = 'unable_to_collect'`),
    index("gate_events_flag_idx")
      .on(t.lotId, t.createdAt)
      .where(sql`flag IS NOT NULL`),
  ],
);

/** Commands for a gate (an operator opening the barrier by hand); the bridge polls and acknowledges them. */
export const gateCommands = pgTable(
  "gate_commands",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    gateId: uuid("gate_id")
      .notNull()
      .references(() => gateDevices.id, { onDelete: "cascade" }),
    command: text("command").notNull(),
    reason: text("reason").notNull(),
    actorId: uuid("actor_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    ackedAt: timestamp("acked_at", { withTimezone: true }),
    /** executed or failed (0009_gates_unattended.sql), with the bridge's reason for a failure. */
    result: text("result"),
    failure: text("failure"),
  },
  (t) => [
    index("gate_commands_pending_idx")
      .on(t.gateId, t.createdAt)
      .where(sql`acked_at is null`),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Lot = typeof lots.$inferSelect;
export type NewLot = typeof lots.$inferInsert;
export type Spot = typeof spots.$inferSelect;
export type NewSpot = typeof spots.$inferInsert;
export type Reservation = typeof reservations.$inferSelect;
export type NewReservation = typeof reservations.$inferInsert;
export type Payment = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
export type ReservationTransition = typeof reservationTransitions.$inferSelect;
export type GateDevice = typeof gateDevices.$inferSelect;
export type GateEvent = typeof gateEvents.$inferSelect;
export type NewGateEvent = typeof gateEvents.$inferInsert;
export type GateCommand = typeof gateCommands.$inferSelect;
export type GateCollection = (typeof gateCollectionEnum.enumValues)[number];

// --- orgs: organisations, memberships, invitations, audit log ---

export const organisationRoleEnum = pgEnum("organisation_role", ["owner", "manager", "attendant"]);
export type OrganisationRole = (typeof organisationRoleEnum.enumValues)[number];

export const organisations = pgTable("organisations", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const memberships = pgTable(
  "memberships",
  {
    organisationId: uuid("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: organisationRoleEnum("role").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "memberships_pkey", columns: [t.organisationId, t.userId] }),
    index("memberships_user_id_idx").on(t.userId),
  ],
);

/** An invitation by link: only the SHA-256 of the link's token is stored. */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organisationId: uuid("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** When set, only this address may accept (and it is e-mailed there if SMTP is configured). */
    email: text("email"),
    role: organisationRoleEnum("role").notNull(),
    tokenHash: text("token_hash").notNull().unique("invitations_token_hash_key"),
    invitedBy: uuid("invited_by")
      .notNull()
      .references(() => users.id),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedBy: uuid("accepted_by").references(() => users.id),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("invitations_organisation_id_idx").on(t.organisationId, t.createdAt)],
);

/** What operators did in an organisation (who, when, what, before/after): owners read it. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organisationId: uuid("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id").references(() => users.id),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    before: jsonb("before").$type<unknown>(),
    after: jsonb("after").$type<unknown>(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_organisation_id_idx").on(t.organisationId, t.createdAt)],
);

export type Organisation = typeof organisations.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;

// --- site (0015_site_moves_and_mail.sql) ---

/**
 * A booking moved off a spot (to_spot_id) or flagged where no spot of its type was free (null):
 * its driver is told in My reservations, operators see the flags (lib/allocation/move-bookings.ts).
 */
export const spotMoves = pgTable(
  "spot_moves",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reservationId: uuid("reservation_id")
      .notNull()
      .references(() => reservations.id),
    fromSpotId: uuid("from_spot_id")
      .notNull()
      .references(() => spots.id, { onDelete: "cascade" }),
    toSpotId: uuid("to_spot_id").references(() => spots.id, { onDelete: "cascade" }),
    reason: text("reason").$type<"out_of_service" | "overstay">().notNull(),
    /** A flag nobody needs to act on any more (the car that overstayed left). */
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("spot_moves_reservation_id_from_spot_id_key").on(t.reservationId, t.fromSpotId)],
);

/** Booking e-mails: claimed before sending, stamped after, so no retry sends one twice (lib/reservations/confirmation-email.ts). */
export const reservationEmails = pgTable(
  "reservation_emails",
  {
    reservationId: uuid("reservation_id")
      .notNull()
      .references(() => reservations.id),
    kind: text("kind").$type<"confirmation">().notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    /** A sender holds the row until then; a crashed sender's lease lapses and the sweep retries. */
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.reservationId, t.kind] }),
    index("reservation_emails_unsent_idx")
      .on(t.createdAt)
      .where(sql`sent_at IS NULL`),
  ],
);
