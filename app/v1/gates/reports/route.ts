import { BarrierReportInput, CheckInOut } from "@/lib/api/gate-schemas";
import { applyBarrierReport } from "@/lib/gates/reports";
import { defineRoute } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const POST = defineRoute({
  method: "POST",
  path: "/v1/gates/reports",
  operationId: "reportBarrierOutcome",
  tag: "Gates",
  summary: "What the barrier actually did for a read answered live; the record and the reservation follow it",
  auth: "gate",
  body: BarrierReportInput,
  response: { description: "The read's answer as corrected", schema: CheckInOut },
  errors: ["not_ready"],
  handler: ({ db, gate, body }) => applyBarrierReport(db, gate, body),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods();
