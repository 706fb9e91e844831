import { z } from "zod";
import * as G from "./gate-schemas";
import * as S from "./schemas";

// GET /v1/openapi.json is generated from the same zod schemas the handlers parse with.

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const body = (id: string) => ({ required: true, content: { "application/json": { schema: ref(id) } } });
const ok = (description: string, schema: object, status = "200") => ({
  [status]: { description, content: { "application/json": { schema } } },
});
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [String(s), { description: ERROR_TEXT[s], content: { "application/json": { schema: ref("Error") } } }]),
  );
const ERROR_TEXT: Record<number, string> = {
  400: "Malformed request",
  401: "Missing or unknown credentials",
  403: "Not allowed for this caller",
  404: "Not found",
  409: "Conflict (e.g. `no_spot_available`, `invalid_state`)",
  422: "Validation failed",
  402: "Payment declined (`payment_declined`, with the processor's decline code)",
  503: "Payment processor unavailable (`payments_unavailable`); retrying is safe",
  425: "Not ready (`not_ready`): the read is still being recorded; send it again in a moment",
};
const list = (id: string) => ({
  type: "object",
  required: ["data", "next_cursor"],
  properties: { data: { type: "array", items: ref(id) }, next_cursor: { type: ["string", "null"] } },
});

function queryParams(schema: z.ZodObject) {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, object>;
    required?: string[];
  };
  // Registered sub-schemas (VehicleType, ReservationStatus) come back as `#/$defs/…` refs into this
  // one conversion's $defs, which the document drops; the same ids live under components.schemas.
  const toComponents = (s: object) => JSON.parse(JSON.stringify(s).replaceAll('"#/$defs/', '"#/components/schemas/')) as object;
  return Object.entries(json.properties).map(([name, s]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    schema: toComponents(s),
  }));
}
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const pathId = (name: string) => ({ name, in: "path", required: true, schema: { type: "string", format: "uuid" } });
const secured = [{ bearerAuth: [] }, { sessionCookie: [] }];
const gateSecured = [{ gateSecret: [] }];
const gateUnconfigured = {
  "503": { description: "QR passes are not set up on this server (`not_configured`: QR_SIGNING_KEY missing)", content: { "application/json": { schema: ref("Error") } } },
};

export function openApiDocument() {
  const registry = (io: "input" | "output") =>
    z.toJSONSchema(z.globalRegistry, { io, unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` }) as {
      schemas: Record<string, object>;
    };
  const components = registry("input");
  // Output shapes are documented as the server sends them (defaults applied, transforms done). They
  // come from the registry too: converting one registered schema alone yields `{ $ref: "#/$defs/…" }`,
  // a pointer that does not resolve inside an OpenAPI document.
  const outputs = registry("output").schemas;
  for (const s of [S.ReservationOut, S.LotOut, S.LotDetailOut, S.SpotOut, S.AvailabilityOut, S.CancelOut, S.MeOut, S.ErrorOut, S.QuoteOut, S.PaymentOut, S.LedgerOut,
    G.GateOut, G.GateCreatedOut, G.GateSecretOut, G.CheckInOut, G.CheckOutOut, G.OfflineCacheOut, G.JwksOut, G.PassOut, G.GateCommandOut, G.GateEventOut, G.GateSelfOut]) {
    const id = z.globalRegistry.get(s)?.id as string;
    components.schemas[id] = outputs[id]!;
  }
  for (const v of Object.values(components.schemas)) delete (v as Record<string, unknown>).$schema;

  return {
    openapi: "3.1.0",
    info: {
      title: "Spotkeeper API",
      version: "1.0.0",
      description:
        "Reserve a parking spot by vehicle type, pay, and drive through automated gates. Times are ISO 8601 in UTC; money is integer minor units with an ISO currency. Errors are `{ error: { code, message, details } }`.",
    },
    servers: [{ url: "/" }],
    components: {
      schemas: components.schemas,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "Personal API token" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
        gateSecret: { type: "http", scheme: "bearer", description: "A gate's own secret (`gk_…`), from POST /v1/lots/{id}/gates" },
      },
    },
    paths: {
      "/v1/reservations": {
        post: {
          summary: "Book a spot",
          security: secured,
          requestBody: body("CreateReservationInput"),
          responses: { ...ok("Booked", ref("Reservation"), "201"), ...errors(400, 401, 403, 404, 409, 422) },
        },
        get: {
          summary: "List the caller's reservations (operators: any, filterable by lot and user)",
          security: secured,
          parameters: queryParams(S.ListReservationsQuery),
          responses: { ...ok("A page of reservations", list("Reservation")), ...errors(400, 401, 403, 422) },
        },
      },
      "/v1/reservations/{id}": {
        get: {
          summary: "One reservation",
          security: secured,
          parameters: [idParam],
          responses: { ...ok("The reservation", ref("Reservation")), ...errors(401, 404) },
        },
      },
      "/v1/reservations/{id}/cancel": {
        put: {
          summary: "Cancel a reservation; refunds per the lot's policy",
          security: secured,
          parameters: [idParam],
          responses: { ...ok("Cancelled", ref("CancelResult")), ...errors(401, 404, 409) },
        },
      },
      "/v1/lots": {
        get: { summary: "All lots", responses: ok("Lots", list("Lot")) },
        post: {
          summary: "Create a lot with its spots (operators)",
          security: secured,
          requestBody: body("CreateLotInput"),
          responses: { ...ok("Created", ref("LotDetail"), "201"), ...errors(400, 401, 403, 409, 422) },
        },
      },
      "/v1/lots/{id}": {
        get: { summary: "One lot", parameters: [idParam], responses: { ...ok("The lot", ref("LotDetail")), ...errors(404) } },
        patch: {
          summary: "Edit a lot (operators)",
          security: secured,
          parameters: [idParam],
          requestBody: body("UpdateLotInput"),
          responses: { ...ok("Updated", ref("LotDetail")), ...errors(400, 401, 403, 404, 422) },
        },
      },
      "/v1/lots/{id}/spots": {
        get: { summary: "The lot's spots", parameters: [idParam], responses: { ...ok("Spots", list("Spot")), ...errors(404) } },
        post: {
          summary: "Add spots by count per type or as a list (operators)",
          security: secured,
          parameters: [idParam],
          requestBody: body("AddSpotsInput"),
          responses: { ...ok("Added", list("Spot"), "201"), ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      "/v1/lots/{id}/availability": {
        get: {
          summary: "Free spots per vehicle type for a window, with the price",
          parameters: [idParam, ...queryParams(S.AvailabilityQuery)],
          responses: { ...ok("Availability", ref("Availability")), ...errors(404, 422) },
        },
      },
      "/v1/me": {
        get: { summary: "The caller", security: secured, responses: { ...ok("The caller", ref("Me")), ...errors(401) } },
      },
      "/v1/quotes": {
        get: {
          summary: "Price a stay: total and line items per band, day and adjustment (public)",
          parameters: queryParams(S.QuoteQuery),
          responses: { ...ok("The quote", ref("Quote")), ...errors(404, 422) },
        },
      },
      "/v1/payments": {
        post: {
          summary: "Pay a reservation's hold; success confirms the reservation",
          security: secured,
          requestBody: body("PaymentInput"),
          responses: { ...ok("Paid", ref("PaymentResult"), "201"), ...errors(400, 401, 402, 404, 409, 422, 503) },
        },
      },
      "/v1/reservations/{id}/payments": {
        get: {
          summary: "The reservation's ledger: charges, refunds, penalties and adjustments, with the net paid",
          security: secured,
          parameters: [idParam],
          responses: { ...ok("The ledger", ref("Ledger")), ...errors(401, 404) },
        },
      },
      "/v1/lots/{id}/payments": {
        get: {
          summary: "The lot's money movements in a period with totals by kind, for reconciliation (operators)",
          security: secured,
          parameters: [
            idParam,
            { name: "from", in: "query", required: true, schema: { type: "string", format: "date-time" } },
            { name: "to", in: "query", required: true, schema: { type: "string", format: "date-time" } },
          ],
          responses: { ...ok("Movements and totals", { type: "object" }), ...errors(401, 403, 404, 422) },
        },
      },
      "/v1/reservations/{id}/extend": {
        post: {
          summary: "Extend a paid reservation on the same spot; the extra time is charged to the saved card",
          security: secured,
          parameters: [idParam],
          requestBody: body("ExtendReservationInput"),
          responses: { ...ok("Extended (with extension_amount)", ref("Reservation")), ...errors(401, 402, 404, 409, 422) },
        },
      },
      "/v1/reservations/{id}/pass": {
        get: {
          summary: "The QR gate pass of a confirmed or checked-in reservation (its owner or an operator)",
          security: secured,
          parameters: [idParam],
          responses: { ...ok("The pass", ref("GatePass")), ...errors(401, 404, 409), ...gateUnconfigured },
        },
      },
      "/v1/lots/{id}/gates": {
        get: { summary: "The lot's gates (operators)", security: secured, parameters: [idParam], responses: { ...ok("Gates", list("Gate")), ...errors(401, 403, 404) } },
        post: {
          summary: "Add a gate; the response holds its secret, shown this once (operators)",
          security: secured,
          parameters: [idParam],
          requestBody: body("CreateGateInput"),
          responses: { ...ok("Created", ref("GateCreated"), "201"), ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      "/v1/lots/{id}/gates/{gateId}/rotate-secret": {
        post: {
          summary: "Replace a gate's secret (operators)",
          security: secured,
          parameters: [idParam, pathId("gateId")],
          responses: { ...ok("The new secret", ref("GateSecret")), ...errors(401, 403, 404) },
        },
      },
      "/v1/lots/{id}/gate-events": {
        get: {
          summary: "The lot's barrier log, newest first; filter by collection outcome (operators)",
          security: secured,
          parameters: [idParam, ...queryParams(G.GateEventsQuery)],
          responses: { ...ok("Gate events", list("GateEvent")), ...errors(401, 403, 404, 422) },
        },
      },
      "/v1/gates/check-in": {
        post: {
          summary: "An entry gate read a plate or QR pass: open_barrier, deny or ask_for_qr (gate secret)",
          security: gateSecured,
          requestBody: body("GateReadInput"),
          responses: { ...ok("The decision", ref("CheckInResult")), ...errors(400, 401, 403, 422), ...gateUnconfigured },
        },
      },
      "/v1/gates/check-out": {
        post: {
          summary: "An exit gate read a plate or QR pass: always open_barrier, with the charges due (gate secret)",
          security: gateSecured,
          requestBody: body("GateReadInput"),
          responses: { ...ok("The decision", ref("CheckOutResult")), ...errors(400, 401, 403, 422) },
        },
      },
      "/v1/gates/offline-cache": {
        get: {
          summary: "The signed list this gate may decide from on its own: plates, revoked passes, cars inside; with since=<cursor> only what changed (gate secret)",
          security: gateSecured,
          parameters: queryParams(G.OfflineCacheQuery),
          responses: { ...ok("The cache", ref("OfflineCache")), ...errors(401, 403), ...gateUnconfigured },
        },
      },
      "/v1/gates/keys": {
        get: { summary: "Public keys (JWKS) verifying QR passes and offline caches", responses: ok("JWKS", ref("Jwks")) },
      },
      "/v1/gates/commands": {
        get: {
          summary: "Commands waiting for this gate (an operator's open), oldest first; poll every 1–2 s (gate secret)",
          security: gateSecured,
          responses: { ...ok("Commands", list("GateCommand")), ...errors(401, 403) },
        },
      },
      "/v1/gates/commands/{commandId}/ack": {
        post: {
          summary: "Acknowledge a command: executed, or failed with the reason (gate secret)",
          security: gateSecured,
          parameters: [pathId("commandId")],
          requestBody: { required: false, content: { "application/json": { schema: ref("CommandAck") } } },
          responses: {
            ...ok("Acknowledged", { type: "object", required: ["command_id", "acked_at"], properties: { command_id: { type: "string", format: "uuid" }, acked_at: { type: "string" } } }),
            ...errors(401, 403, 404),
          },
        },
      },
      "/v1/gates/self": {
        get: {
          summary: "The gate's own record (pairing check) and heartbeat: queue, cache age, version, relay (gate secret)",
          security: gateSecured,
          parameters: queryParams(G.GateSelfQuery),
          responses: { ...ok("The gate", ref("GateSelf")), ...errors(401, 403, 409, 422) },
        },
      },
      "/v1/gates/reports": {
        post: {
          summary: "What the barrier actually did for a read answered live; the record and the reservation follow it (gate secret)",
          security: gateSecured,
          requestBody: body("BarrierReport"),
          responses: { ...ok("The read's answer as corrected", ref("CheckInResult")), ...errors(401, 403, 404, 422, 425) },
        },
      },
      "/v1/gates/{gateId}/commands/{commandId}": {
        get: {
          summary: "A remote open: acknowledged, executed or failed (operators)",
          security: secured,
          parameters: [pathId("gateId"), pathId("commandId")],
          responses: { ...ok("The command", ref("GateCommand")), ...errors(401, 403, 404) },
        },
      },
      "/v1/gates/{gateId}/open": {
        post: {
          summary: "Open a barrier by hand; logged with the operator (operators)",
          security: secured,
          parameters: [pathId("gateId")],
          requestBody: body("OpenGateInput"),
          responses: { ...ok("Command queued for the gate", ref("GateCommand"), "201"), ...errors(401, 403, 404, 422) },
        },
      },
    },
  };
}
