import { issueDriverPass } from "@/lib/gates/driver-pass";
import { json, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// GET /v1/reservations/{id}/pass – the QR gate pass of a paid reservation (its owner or an operator)
export const GET = withAuth(async ({ db, caller, params }) => json(await issueDriverPass(db, caller, parseId(params.id, "Reservation")), 200, { "cache-control": "no-store" }));
