import { BARRIER_OUTCOMES, GATE_REASONS } from "@spotkeeper/gate-kiosk/contract";
import { z } from "zod";
import { Instant, SingleLine } from "./schemas";

// The gates' part of the public API (lib/gates/README.md is the contract in prose). Kept beside
// schemas.ts rather than in it so the lot and pricing schemas there can change independently;
// openapi.ts documents both.

const Uuid = z.uuid();

export const GATE_DIRECTIONS = ["entry", "exit"] as const;
export const GateDirection = z.enum(GATE_DIRECTIONS).meta({ id: "GateDirection" });

export const CreateGateInput = z
  .object({ name: SingleLine(1, 60), direction: GateDirection })
  .meta({ id: "CreateGateInput" });

const BarrierOutcome = z.enum(BARRIER_OUTCOMES).meta({ id: "BarrierOutcome" });

export const GateReadInput = z
  .object({
    lot_id: Uuid,
    gate_id: Uuid,
    identifier: z
      .string()
      .trim()
      .min(1)
      .max(4096)
      .describe("A licence plate as read, or the QR pass token (compact JWS)"),
    confidence: z.number().min(0).max(1).optional().describe("The camera's confidence in a plate read, 0–1"),
    event_id: Uuid.optional().describe(
      "The bridge's id for this read; a second call with the same id returns the first answer",
    ),
    occurred_at: Instant.optional().describe("When the car was at the barrier (offline replays)"),
    offline_decision: z
      .enum(["open_barrier", "deny", "ask_for_qr"])
      .optional()
      .describe("What the bridge did on its own while offline; with event_id and occurred_at this call is a replay"),
    barrier: BarrierOutcome.optional().describe(
      "On a replay: what the barrier did (opened unless the relay failed, for an opening)",
    ),
    received_at: Instant.optional().describe(
      "On a replay: when the bridge received and decided the read, on the bridge's clock (occurred_at is not later)",
    ),
    sent_at: Instant.optional().describe(
      "On a replay: when the bridge sent this request, on the bridge's clock; the server's arrival time minus this is the bridge clock's offset, applied to occurred_at and received_at",
    ),
  })
  .refine((v) => !v.offline_decision || (v.event_id && v.occurred_at), {
    message: "An offline replay needs event_id and occurred_at",
    path: ["offline_decision"],
  })
  .meta({ id: "GateReadInput" });

export const BarrierReportInput = z
  .object({
    event_id: Uuid.describe("The read the server answered live"),
    barrier: BarrierOutcome,
    action: z.enum(["open_barrier", "deny", "ask_for_qr"]).describe("What the bridge carried out"),
    occurred_at: Instant.optional(),
    identifier: z
      .string()
      .trim()
      .min(1)
      .max(4096)
      .optional()
      .describe("The read, so the car's next read is decided afresh"),
  })
  .meta({ id: "BarrierReport" });

export const CommandAckInput = z
  .object({
    result: z.enum(["executed", "failed"]).default("executed"),
    failure: z.string().trim().max(300).optional().describe("Why the barrier did not open, when it failed"),
  })
  .meta({ id: "CommandAck" });

/** The bridge's health, sent as query parameters of its pairing check (GET /v1/gates/self). */
export const GateSelfQuery = z.object({
  version: z.string().trim().max(40).optional(),
  queue: z.coerce.number().int().min(0).max(10_000_000).optional(),
  cache_age_s: z.coerce.number().int().min(0).max(100_000_000).optional(),
  relay: z.enum(["ok", "failed"]).optional(),
  direction: GateDirection.optional().describe(
    "The direction the bridge is configured for: a mismatch is refused (409)",
  ),
  lot_id: Uuid.optional(),
});

export const OfflineCacheQuery = z.object({
  since: Instant.optional().describe("A cache's `cursor`: answer only what changed after it"),
});

export const OpenGateInput = z.object({ reason: z.string().trim().min(1).max(200) }).meta({ id: "OpenGateInput" });

export const GATE_COLLECTIONS = [
  "nothing_due",
  "collected",
  "pending",
  "collected_offline",
  "unable_to_collect",
] as const;
export const GateEventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  collection: z.enum(GATE_COLLECTIONS).optional(),
});

// ---- Responses ----------------------------------------------------------------------------------

export const GateOut = z
  .object({
    gate_id: Uuid,
    lot_id: Uuid,
    name: z.string(),
    direction: GateDirection,
    created_at: Instant,
    secret_rotated_at: Instant.nullable(),
    health: z
      .object({
        last_contact_at: Instant.nullable(),
        silent: z.boolean().describe("No contact for more than a minute"),
        queue: z.number().int().nullable().describe("Offline events waiting on the gate PC"),
        cache_age_s: z.number().int().nullable(),
        version: z.string().nullable(),
        relay: z.enum(["ok", "failed"]).nullable(),
      })
      .describe("What the gate's bridge last reported")
      .optional(),
  })
  .meta({ id: "Gate" });

export const GateSelfOut = z
  .object({ gate_id: Uuid, lot_id: Uuid, name: z.string(), direction: GateDirection, server_time: Instant })
  .meta({ id: "GateSelf" });

export const GateCreatedOut = GateOut.extend({
  secret: z.string().describe("The gate's credential (`gk_…`), shown only now; store it on the gate PC"),
}).meta({ id: "GateCreated" });

export const GateSecretOut = z.object({ gate_id: Uuid, secret: z.string() }).meta({ id: "GateSecret" });

const Reason = z.enum(GATE_REASONS).describe("Machine code, shared with the bridge (gate-kiosk/src/contract.ts)");

export const CheckInOut = z
  .object({
    action: z.enum(["open_barrier", "deny", "ask_for_qr"]),
    reservation_id: Uuid.optional(),
    spot_id: Uuid.optional(),
    spot_label: z.string().optional(),
    level: z.string().optional(),
    reason: Reason.optional(),
    message: z.string().describe("Short text for the kiosk screen"),
    event_id: Uuid.describe("The recorded event; a duplicate read or a replay returns the first one's"),
    offline: z.boolean().optional().describe("Present (true) on the answer to an offline replay"),
    flag: z
      .string()
      .optional()
      .describe("barrier_disagreed or relay_failed: the barrier did not do what the first answer said"),
  })
  .meta({ id: "CheckInResult" });

export const CheckOutOut = z
  .object({
    action: z.enum(["open_barrier"]).describe("Always: an exit never traps a car"),
    reservation_id: Uuid.optional(),
    spot_label: z.string().optional(),
    pending_charges: z.number().int().describe("Overstay charged off-session, in minor units of `currency`"),
    currency: z.string(),
    reason: Reason.optional(),
    message: z.string(),
    event_id: Uuid,
    offline: z.boolean().optional(),
    flag: z.string().optional(),
  })
  .meta({ id: "CheckOutResult" });

export const OfflineCacheOut = z
  .object({
    token: z.string().describe("Compact JWS (EdDSA, typ spotkeeper-gate-cache+jwt); verify with GET /v1/gates/keys"),
  })
  .meta({ id: "OfflineCache" });

export const JwksOut = z
  .object({
    keys: z.array(
      z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string(), alg: z.string(), use: z.string() }),
    ),
  })
  .meta({ id: "Jwks" });

export const PassOut = z
  .object({
    reservation_id: Uuid,
    token: z.string().describe("Compact JWS (EdDSA, typ spotkeeper-pass+jwt)"),
    qr_svg: z.string().describe("The token as a QR code, SVG markup"),
    qr_png_data_url: z.string().describe("The same as a PNG data URL, for downloading"),
    valid_from: Instant,
    valid_until: Instant,
  })
  .meta({ id: "GatePass" });

export const GateCommandOut = z
  .object({
    command_id: Uuid,
    gate_id: Uuid,
    command: z.enum(["open_barrier"]),
    reason: z.string(),
    issued_at: Instant,
    issued_by: z.string(),
    acked_at: Instant.nullable(),
    expires_at: Instant.describe("A command not picked up by then is dropped, never executed late"),
    result: z.enum(["executed", "failed"]).nullable().describe("What the gate reported; null until acknowledged"),
    failure: z.string().nullable(),
  })
  .meta({ id: "GateCommand" });

export const GateEventOut = z
  .object({
    event_id: Uuid,
    gate_id: Uuid,
    gate_name: z.string(),
    kind: z.enum(["entry", "exit", "manual_open"]),
    identifier: z.string(),
    action: z.string(),
    reason: z.string().nullable(),
    reservation_id: Uuid.nullable(),
    occurred_at: Instant,
    latency_ms: z.number().int().nullable(),
    offline: z.boolean(),
    pending_charges: z.number().int().nullable(),
    currency: z.string().nullable(),
    collection: z.enum(GATE_COLLECTIONS).nullable(),
    actor: z.string().nullable().describe("The operator who opened the barrier by hand"),
    barrier: z.enum(BARRIER_OUTCOMES).nullable().describe("What the barrier did, as the gate reported it"),
    flag: z
      .string()
      .nullable()
      .describe("barrier_disagreed, relay_failed or clock_adjusted: for an operator to look at"),
  })
  .meta({ id: "GateEvent" });

export const CommandAckOut = z
  .object({
    command_id: Uuid,
    acked_at: Instant,
    result: z.enum(["executed", "failed"]).nullable(),
    failure: z.string().nullable(),
  })
  .meta({ id: "GateCommandAck" });
