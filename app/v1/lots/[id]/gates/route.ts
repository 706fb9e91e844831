import { CreateGateInput } from "@/lib/api/gate-schemas";
import { createGate, gatesOfLot } from "@/lib/gates/manage-gates";
import { json, parseBody, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// GET /v1/lots/{id}/gates – the lot's gates, without secrets (operators)
export const GET = withAuth(async ({ db, params }) => json({ data: await gatesOfLot(db, parseId(params.id, "Lot")), next_cursor: null }), {
  operatorOnly: true,
  lotRole: "attendant",
});

// POST /v1/lots/{id}/gates – add a gate; its secret is in this response only (operators)
export const POST = withAuth(
  async ({ req, db, params }) => json(await createGate(db, parseId(params.id, "Lot"), await parseBody(req, CreateGateInput)), 201),
  { operatorOnly: true, lotRole: "manager" },
);
