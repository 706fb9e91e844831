import { eventType } from "inngest";
import { z } from "zod";

// The workflow events, one schema each. The same definitions type the Inngest triggers, validate
// what lib/workflows/send-event.ts sends, and feed the in-process scheduler when Inngest is absent.
// Times are ISO-8601 UTC strings: event data is JSON, and a Date would not survive the trip.

const reservationId = z.uuid();
const instant = z.iso.datetime({ offset: true });

const ReservationRef = z.object({ reservation_id: reservationId });

/** What a gate reports; `event_id` is the gate's own id for the read, so a replay is recognisable. */
const VehicleMovement = z.object({
  reservation_id: reservationId,
  lot_id: z.uuid(),
  gate_id: z.string().min(1),
  event_id: z.string().min(1),
  occurred_at: instant,
  /** When a replayed (offline) read reached the server: money moves no more than a live read then could. */
  received_at: instant.optional(),
});

export const reservationCreated = eventType("parking/reservation.created", {
  schema: z.object({ reservation_id: reservationId, hold_expires_at: instant }),
});
export const reservationConfirmed = eventType("parking/reservation.confirmed", {
  schema: z.object({ reservation_id: reservationId, start_time: instant, grace_ends_at: instant }),
});
export const reservationCancelled = eventType("parking/reservation.cancelled", { schema: ReservationRef });
export const reservationExpired = eventType("parking/reservation.expired", { schema: ReservationRef });
export const reservationNoShow = eventType("parking/reservation.no_show", { schema: ReservationRef });
export const reservationCompleted = eventType("parking/reservation.completed", { schema: ReservationRef });
/** The reservation's window was edited (an extension, or one undone): deadlines are re-read. */
export const reservationChanged = eventType("parking/reservation.changed", { schema: ReservationRef });
export const vehicleEntered = eventType("parking/vehicle.entered", { schema: VehicleMovement });
export const vehicleExited = eventType("parking/vehicle.exited", { schema: VehicleMovement });
/** How their consumers take them: up to 100 per run, or what a second brings (inngest/functions/vehicle-*.ts). */
export const movementBatch = { maxSize: 100, timeout: "1s" } as const;

export const EVENT_TYPES = {
  [reservationCreated.name]: reservationCreated,
  [reservationConfirmed.name]: reservationConfirmed,
  [reservationCancelled.name]: reservationCancelled,
  [reservationExpired.name]: reservationExpired,
  [reservationNoShow.name]: reservationNoShow,
  [reservationCompleted.name]: reservationCompleted,
  [reservationChanged.name]: reservationChanged,
  [vehicleEntered.name]: vehicleEntered,
  [vehicleExited.name]: vehicleExited,
} as const;

type EventTypes = typeof EVENT_TYPES;
export type ParkingEventName = keyof EventTypes;
export type ParkingEventData<N extends ParkingEventName> = z.infer<EventTypes[N]["schema"]>;

/**
 * One workflow event. `id` is the idempotency key: Inngest drops a second event with the same id
 * (within 24 hours), so derive it from what happened (e.g. the gate's read id), never randomly.
 */
export type ParkingEvent = {
  [N in ParkingEventName]: { name: N; data: ParkingEventData<N>; id: string };
}[ParkingEventName];

export type VehicleMovementData = z.infer<typeof VehicleMovement>;

/** Validates an event against its schema; throws a message naming the event and the bad fields. */
export function parseParkingEvent(event: { name: string; data: unknown; id: string }): ParkingEvent {
  const type = EVENT_TYPES[event.name as ParkingEventName];
  if (!type) throw new Error(`Unknown workflow event "${event.name}"`);
  if (!event.id) throw new Error(`Workflow event "${event.name}" needs an id (its idempotency key)`);
  const parsed = type.schema.safeParse(event.data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "data"}: ${i.message}`).join("; ");
    throw new Error(`Invalid "${event.name}" event: ${problems}`);
  }
  return { name: event.name, data: parsed.data, id: event.id } as ParkingEvent;
}
