import { getDb } from "@/db/client";
import { recordVehicleExit } from "@/lib/workflows/vehicle-events";
import { inngest } from "../client";
import { vehicleExited } from "../events";

/**
 * vehicle.exited → completed at the time the car left: the unused time of an early departure is
 * refunded, an overstay charged, and the spot is free for new bookings from this commit on.
 * Settlement is idempotent (the ledger's keys), so a retried step or a replayed event moves no money.
 */
export const vehicleExitedFunction = inngest.createFunction(
  { id: "vehicle-exited", triggers: [vehicleExited] },
  async ({ event, step }) =>
    step.run("check-out-and-settle", async () => recordVehicleExit(await getDb(), event.data, "inngest")),
);
