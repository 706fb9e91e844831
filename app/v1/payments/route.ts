import { PaymentInput } from "@/lib/api/schemas";
import { json, parseBody } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { payReservation } from "@/lib/payments/pay-reservation";

// POST /v1/payments – pay a reservation's hold; success confirms it, a decline answers 402
export const POST = withAuth(
  async ({ req, db, caller }) => {
    return json(await payReservation(db, caller, await parseBody(req, PaymentInput)), 201);
  },
  { limit: "payment" },
);
