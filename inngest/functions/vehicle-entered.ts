import { getDb } from "@/db/client";
import { recordVehicleEntries } from "@/lib/workflows/vehicle-events";
import { inngest } from "../client";
import { movementBatch, vehicleEntered } from "../events";

/**
 * vehicle.entered → the reservation is checked_in (the spot occupied) in PostgreSQL. The gate has
 * already opened from Redis; this is the record. A replayed event is a no-op.
 *
 * Events come in batches (up to 100, or what a second brings), checked in by one statement: the
 * gate recorder has usually checked these cars in already, and one run per car would cost a request
 * to the app and a transaction each to find that out. Returns each event's outcome, in order.
 */
export const vehicleEnteredFunction = inngest.createFunction(
  { id: "vehicle-entered", triggers: [vehicleEntered], batchEvents: movementBatch },
  async ({ events, step }) =>
    step.run("check-in", async () =>
      recordVehicleEntries(
        await getDb(),
        events.map((e) => e.data),
        "inngest",
      ),
    ),
);
