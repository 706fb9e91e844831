import { getDb } from "@/db/client";
import { recordVehicleExits } from "@/lib/workflows/vehicle-events";
import { inngest } from "../client";
import { movementBatch, vehicleExited } from "../events";

/**
 * vehicle.exited → completed at the time the car left: the unused time of an early departure is
 * refunded, an overstay charged, and the spot is free for new bookings from this commit on.
 * Settlement is idempotent (the ledger's keys), so a retried step or a replayed event moves no money.
 *
 * Events come in batches (up to 100, or what a second brings): at rush hour one run, one request to
 * the app and one transaction check out a gate's worth of cars, instead of one of each per car
 * competing with the gates' answers on the same processes. Returns each event's outcome, in order.
 */
export const vehicleExitedFunction = inngest.createFunction(
  { id: "vehicle-exited", triggers: [vehicleExited], batchEvents: movementBatch },
  async ({ events, step }) =>
    step.run("check-out-and-settle", async () =>
      recordVehicleExits(
        await getDb(),
        events.map((e) => e.data),
        "inngest",
        { settle: "now" },
      ),
    ),
);
