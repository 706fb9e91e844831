import { lifecycleBackstopFunction } from "./functions/lifecycle-backstop";
import { noShowFunction } from "./functions/no-show";
import { paymentHoldExpiryFunction } from "./functions/payment-hold-expiry";
import { vehicleEnteredFunction } from "./functions/vehicle-entered";
import { vehicleExitedFunction } from "./functions/vehicle-exited";

/** Every workflow, served at /api/inngest. */
export const functions = [
  paymentHoldExpiryFunction,
  noShowFunction,
  vehicleEnteredFunction,
  vehicleExitedFunction,
  lifecycleBackstopFunction,
];
