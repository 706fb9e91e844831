import { asc, eq } from "drizzle-orm";
import createClient from "openapi-fetch";
import { expect } from "vitest";
import { declaredHandlers } from "@/app/v1/operations";
import { getDb } from "@/db/client";
import { ledgerFor, netPaid } from "@/db/queries/payments";
import { reservationTransitions, type VehicleType } from "@/db/schema";
import type { components, paths } from "@/lib/api/client/schema";
import { routeContext, type TestUser } from "../fixtures";

// What a driver's client does: book, quote, pay, cancel, extend — through the typed client generated
// from the OpenAPI document (npm run gen:client), so a path, a body or a response shape the document
// gets wrong fails here. Its fetch hands each request to the declared route handler in-process.

type Schemas = components["schemas"];
export type ReservationJson = Schemas["Reservation"];
export type PaymentJson = Schemas["PaymentResult"];
export type CancelJson = Schemas["CancelResult"];
export type QuoteJson = Schemas["Quote"];
export type ErrorJson = Schemas["Error"];

/** Routes a request to the operation whose declared path template matches it, as Next.js would. */
async function dispatch(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  for (const handler of declaredHandlers()) {
    const { method, path } = handler.route;
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const match = new RegExp(`^${path.replace(/\{\w+\}/g, "([^/]+)")}$`).exec(pathname);
    if (method !== req.method || !match) continue;
    return handler(req, routeContext(Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]))));
  }
  throw new Error(`No declared operation for ${req.method} ${pathname}`);
}

const api = createClient<paths>({ baseUrl: "http://spotkeeper.test", fetch: dispatch });
const as = (user: TestUser) => ({ authorization: `Bearer ${user.token}` });

/** openapi-fetch has read the body; tests read the answer again as a plain Response. */
function again({ data, error, response }: { data?: unknown; error?: unknown; response: Response }) {
  return Response.json(data ?? error, { status: response.status, headers: response.headers });
}

export async function book(
  user: TestUser,
  lotId: string,
  start: Date,
  end: Date,
  vehicleType: VehicleType = "compact",
) {
  const body = {
    lot_id: lotId,
    vehicle_type: vehicleType,
    start_time: start.toISOString(),
    end_time: end.toISOString(),
  };
  return again(await api.POST("/v1/reservations", { body, headers: as(user) }));
}

export async function bookOk(
  user: TestUser,
  lotId: string,
  start: Date,
  end: Date,
  vehicleType: VehicleType = "compact",
) {
  const { data, error, response } = await api.POST("/v1/reservations", {
    body: { lot_id: lotId, vehicle_type: vehicleType, start_time: start.toISOString(), end_time: end.toISOString() },
    headers: as(user),
  });
  expect(response.status, JSON.stringify(error)).toBe(201);
  return data!;
}

export async function getReservation(user: TestUser, id: string) {
  return again(await api.GET("/v1/reservations/{id}", { params: { path: { id } }, headers: as(user) }));
}

export async function statusOf(user: TestUser, id: string) {
  const { data, response } = await api.GET("/v1/reservations/{id}", { params: { path: { id } }, headers: as(user) });
  expect(response.status).toBe(200);
  return data!.status;
}

export async function quoteTotal(lotId: string, start: Date, end: Date, vehicleType: VehicleType = "compact") {
  const query = {
    lot_id: lotId,
    vehicle_type: vehicleType,
    start_time: start.toISOString(),
    end_time: end.toISOString(),
  };
  const { data, response } = await api.GET("/v1/quotes", { params: { query } });
  expect(response.status).toBe(200);
  return data!;
}

/** Any body, valid or not: tests send wrong amounts and missing fields on purpose. */
export async function pay(user: TestUser, body: Record<string, unknown>) {
  return again(await api.POST("/v1/payments", { body: body as Schemas["PaymentInput"], headers: as(user) }));
}

export async function payOk(
  user: TestUser,
  r: Pick<ReservationJson, "reservation_id" | "amount">,
  paymentMethodId = "pm_card_visa",
) {
  const { data, error, response } = await api.POST("/v1/payments", {
    body: { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: paymentMethodId },
    headers: as(user),
  });
  expect(response.status, JSON.stringify(error)).toBe(201);
  return data!;
}

/** A booking paid with pm_card_visa: confirmed, with the card saved for off-session charges. */
export async function paidBooking(
  user: TestUser,
  lotId: string,
  start: Date,
  end: Date,
  vehicleType: VehicleType = "compact",
) {
  const r = await bookOk(user, lotId, start, end, vehicleType);
  const payment = await payOk(user, r);
  return { ...r, status: "confirmed" as const, transaction_id: payment.transaction_id };
}

export async function cancel(user: TestUser, id: string) {
  return again(await api.PUT("/v1/reservations/{id}/cancel", { params: { path: { id } }, headers: as(user) }));
}

export async function extend(user: TestUser, id: string, endTime: Date) {
  const body = { end_time: endTime.toISOString() };
  return again(await api.POST("/v1/reservations/{id}/extend", { params: { path: { id } }, body, headers: as(user) }));
}

/** The reservation's money ledger, oldest first. */
export async function ledger(reservationId: string) {
  return ledgerFor(await getDb(), reservationId);
}

export async function paidNet(reservationId: string) {
  return netPaid(await getDb(), reservationId);
}

/** The reservation's audit trail as "from→to (cause)" lines, oldest first. */
export async function transitions(reservationId: string) {
  const db = await getDb();
  const rows = await db
    .select()
    .from(reservationTransitions)
    .where(eq(reservationTransitions.reservationId, reservationId))
    .orderBy(asc(reservationTransitions.createdAt));
  return rows.map((t) => `${t.fromStatus}→${t.toStatus} (${t.cause})`);
}
