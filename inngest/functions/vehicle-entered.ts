import { getDb } from "@/db/client";
import { recordVehicleEntry } from "@/lib/workflows/vehicle-events";
import { inngest } from "../client";
import { vehicleEntered } from "../events";

/**
 * vehicle.entered → the reservation is checked_in (the spot occupied) in PostgreSQL. The gate has
 * already opened from Redis; this is the record. A replayed event is a no-op.
 */
export const vehicleEnteredFunction = inngest.createFunction(
  { id: "vehicle-entered", triggers: [vehicleEntered] },
  async ({ event, step }) => step.run("check-in", async () => recordVehicleEntry(await getDb(), event.data, "inngest")),
);
