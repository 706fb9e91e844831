/** What Spotkeeper needs from a payment processor; Stripe in production, a Stripe look-alike in the demo. */
export type ChargeResult =
  | { status: "succeeded"; paymentIntentId: string; paymentMethodId: string }
  | { status: "declined"; paymentIntentId: string | null; declineCode: string; message: string }
  | { status: "requires_action"; paymentIntentId: string; message: string };

export type RefundResult = { refundId: string; status: "succeeded" | "pending" | "failed" };

/** A card saved on the processor's customer (by a payment made with setup_future_usage), as the driver picks it. */
export type SavedCard = { id: string; brand: string; last4: string; expMonth: number; expYear: number };

export interface PaymentProvider {
  readonly name: "stripe" | "demo";
  /** The processor's customer for a user, created once (the key makes retries return the same one). */
  ensureCustomer(user: { id: string; email: string; name: string }, idempotencyKey: string): Promise<string>;
  /** One PaymentIntent per reservation; created once, confirmed with the driver's payment method. */
  createPaymentIntent(p: {
    amount: number;
    currency: string;
    customerId: string;
    reservationId: string;
    idempotencyKey: string;
  }): Promise<string>;
  confirmPaymentIntent(id: string, p: { paymentMethodId: string; idempotencyKey: string }): Promise<ChargeResult>;
  /** The PaymentIntent's current outcome (after a timeout, or a confirm that found it already paid). */
  retrievePaymentIntent(id: string): Promise<ChargeResult | { status: "open"; paymentIntentId: string }>;
  /** Charges a saved payment method without the driver present (overstay, no-show penalty). */
  chargeOffSession(p: {
    amount: number;
    currency: string;
    customerId: string;
    paymentMethodId: string;
    reservationId: string;
    description: string;
    idempotencyKey: string;
  }): Promise<ChargeResult>;
  refund(p: {
    paymentIntentId: string;
    amount: number;
    reservationId: string;
    idempotencyKey: string;
  }): Promise<RefundResult>;
  /** A refund's current state, by the processor's id. */
  retrieveRefund(id: string): Promise<RefundResult>;
  /**
   * The refund / off-session charge made earlier under our key, found by its metadata, or null.
   * Stripe forgets idempotency keys after 24 hours: a retry later than that must look before it
   * creates, or the money moves twice.
   */
  findRefund(p: { paymentIntentId: string; idempotencyKey: string }): Promise<RefundResult | null>;
  findOffSessionCharge(p: { customerId: string; idempotencyKey: string }): Promise<ChargeResult | null>;
  /** The customer's saved cards, newest first: the pay page offers them next to a new card. */
  listSavedCards(customerId: string): Promise<SavedCard[]>;
}

/** The metadata key under which our idempotency key is stored on the processor's objects. */
export const KEY_METADATA = "spotkeeper_key";

// Branded, not only classes: the provider is cached on globalThis by whichever Next.js bundle made
// it first, so its errors may be another bundle's copy of these classes (see lib/errors.ts).
const UNAVAILABLE = Symbol.for("spotkeeper.PaymentUnavailableError");
const REJECTED = Symbol.for("spotkeeper.PaymentRejectedError");

/** Thrown when the processor cannot be reached or answers with a server error: safe to retry. */
export class PaymentUnavailableError extends Error {
  readonly [UNAVAILABLE] = true;
  override name = "PaymentUnavailableError";
}

/** The processor refused the request itself (unknown payment method, wrong state): not retryable. */
export class PaymentRejectedError extends Error {
  readonly [REJECTED] = true;
  override name = "PaymentRejectedError";
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const branded = (err: unknown, brand: symbol) =>
  typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[brand] === true;
export const isPaymentUnavailable = (err: unknown): err is PaymentUnavailableError => branded(err, UNAVAILABLE);
export const isPaymentRejected = (err: unknown): err is PaymentRejectedError => branded(err, REJECTED);
