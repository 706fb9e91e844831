import { PaymentInput, PaymentOut } from "@/lib/api/schemas";
import { defineRoute } from "@/lib/http/define-route";
import { payReservation } from "@/lib/payments/pay-reservation";
import { otherMethods } from "@/lib/http/unknown-route";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/payments",
  operationId: "payReservation",
  tag: "Payments",
  summary: "Pay a reservation's hold; success confirms it, a decline answers 402",
  auth: "driver",
  // Card testing: payment attempts have a stricter limit of their own.
  limit: "payment",
  body: PaymentInput,
  response: { status: 201, description: "Paid", schema: PaymentOut },
  errors: [
    "not_found",
    "invalid_state",
    "hold_expired",
    "amount_mismatch",
    "conflict",
    "payment_declined",
    "payment_failed",
    "payments_unavailable",
  ],
  handler: ({ db, caller, body }) => payReservation(db, caller, body),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods();
