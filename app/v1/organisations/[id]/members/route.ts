import { json, parseId } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { membersOf } from "@/lib/organisations/manage-organisations";

// GET /v1/organisations/{id}/members – the members and their roles (members)
export const GET = withAuth(async ({ db, caller, params }) => json({ data: await membersOf(db, caller, parseId(params.id, "Organisation")), next_cursor: null }));
