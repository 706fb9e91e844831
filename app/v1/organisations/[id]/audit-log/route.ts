import { z } from "zod";
import { page } from "@/lib/api/schemas";
import { defineRoute, pathId } from "@/lib/http/define-route";
import { auditLogOf } from "@/lib/organisations/manage-organisations";
import { AuditEntryOut, AuditQuery } from "@/lib/organisations/schemas";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/organisations/{id}/audit-log",
  operationId: "listAuditLog",
  tag: "Organisations",
  summary: "Who did what, when, with before and after, newest first (owners)",
  auth: "driver",
  params: z.object({ id: pathId("Organisation") }),
  query: AuditQuery,
  response: { description: "A page of audit entries", schema: page(AuditEntryOut) },
  handler: ({ db, caller, params, query }) => auditLogOf(db, caller, params.id, query),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
