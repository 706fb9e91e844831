import { GateCommandOut } from "@/lib/api/gate-schemas";
import { page } from "@/lib/api/schemas";
import { commandsFor } from "@/lib/gates/commands";
import { defineRoute } from "@/lib/http/define-route";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/gates/commands",
  operationId: "listGateCommands",
  tag: "Gates",
  summary: "Commands waiting for this gate (an operator's open), oldest first",
  description: "The bridge polls this every second or two.",
  auth: "gate",
  response: { description: "Commands", schema: page(GateCommandOut), headers: { "cache-control": "no-store" } },
  handler: async ({ db, gate }) => ({ data: await commandsFor(db, gate), next_cursor: null }),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
