import type { Db } from "@/db/client";
import { processorCustomerId } from "@/db/queries/users";
import { paymentProvider } from ".";
import { isPaymentUnavailable, type SavedCard } from "./provider";

/**
 * The cards a driver saved by paying before (every booking payment is made with
 * setup_future_usage: "off_session" on their one processor customer, so extensions and overstays
 * can be charged later): the pay page offers them next to a new card. Empty before the first
 * payment; null when the processor cannot be reached, so the page says so instead of "no cards".
 */
export async function savedCardsFor(db: Db, userId: string): Promise<SavedCard[] | null> {
  const provider = paymentProvider();
  if (!provider) return [];
  const customerId = await processorCustomerId(db, userId);
  if (!customerId) return [];
  try {
    return await provider.listSavedCards(customerId);
  } catch (err) {
    if (isPaymentUnavailable(err)) return null;
    throw err;
  }
}
