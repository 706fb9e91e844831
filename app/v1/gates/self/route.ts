import { GateSelfOut, GateSelfQuery } from "@/lib/api/gate-schemas";
import { gateSelf } from "@/lib/gates/health";
import { defineRoute } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/gates/self",
  operationId: "getGateSelf",
  tag: "Gates",
  summary: "The gate's own record (pairing check) and its heartbeat: queue, cache age, version, relay",
  auth: "gate",
  query: GateSelfQuery,
  response: { description: "The gate", schema: GateSelfOut, headers: { "cache-control": "no-store" } },
  errors: ["conflict"],
  handler: ({ db, gate, query }) => gateSelf(db, gate, query),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
