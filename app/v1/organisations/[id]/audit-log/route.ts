import { json, parseId, parseQuery } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";
import { auditLogOf } from "@/lib/organisations/manage-organisations";
import { AuditQuery } from "@/lib/organisations/schemas";

// GET /v1/organisations/{id}/audit-log – who did what, when, before/after, newest first (owners)
export const GET = withAuth(async ({ req, db, caller, params }) => json(await auditLogOf(db, caller, parseId(params.id, "Organisation"), parseQuery(req, AuditQuery))));
