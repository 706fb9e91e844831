import { asc, eq } from "drizzle-orm";
import { expect } from "vitest";
import { POST as paymentsRoute } from "@/app/v1/payments/route";
import { GET as quotesRoute } from "@/app/v1/quotes/route";
import { PUT as cancelRoute } from "@/app/v1/reservations/[id]/cancel/route";
import { POST as extendRoute } from "@/app/v1/reservations/[id]/extend/route";
import { GET as reservationRoute } from "@/app/v1/reservations/[id]/route";
import { POST as reservationsRoute } from "@/app/v1/reservations/route";
import { getDb } from "@/db/client";
import { ledgerFor, netPaid } from "@/db/queries/payments";
import { reservationTransitions, type VehicleType } from "@/db/schema";
import { apiRequest, routeContext, type TestUser } from "../fixtures";

// What a driver's client does, through the real route handlers: book, quote, pay, cancel, extend.

export type ReservationJson = {
  reservation_id: string;
  user_id: string;
  lot_id: string;
  spot_id: string;
  spot_label: string;
  vehicle_type: VehicleType;
  license_plate: string | null;
  start_time: string;
  end_time: string;
  status: string;
  amount: number;
  currency: string;
};

export type PaymentJson = { transaction_id: string; status: "succeeded"; reservation_id: string };
export type CancelJson = { reservation_id: string; status: string; refund_amount: number; currency: string };
export type QuoteJson = { total: number; currency: string; occupancy: number; line_items: { amount: number }[] };
export type ErrorJson = { error: { code: string; message: string; details?: Record<string, unknown> } };

export function book(user: TestUser, lotId: string, start: Date, end: Date, vehicleType: VehicleType = "compact") {
  const body = { lot_id: lotId, vehicle_type: vehicleType, start_time: start.toISOString(), end_time: end.toISOString() };
  return reservationsRoute(apiRequest("POST", "/v1/reservations", { token: user.token, body }), routeContext());
}

export async function bookOk(user: TestUser, lotId: string, start: Date, end: Date, vehicleType: VehicleType = "compact") {
  const res = await book(user, lotId, start, end, vehicleType);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  return (await res.json()) as ReservationJson;
}

export function getReservation(user: TestUser, id: string) {
  return reservationRoute(apiRequest("GET", `/v1/reservations/${id}`, { token: user.token }), routeContext({ id }));
}

export async function statusOf(user: TestUser, id: string) {
  const res = await getReservation(user, id);
  expect(res.status).toBe(200);
  return ((await res.json()) as ReservationJson).status;
}

export async function quoteTotal(lotId: string, start: Date, end: Date, vehicleType: VehicleType = "compact") {
  const query = new URLSearchParams({ lot_id: lotId, vehicle_type: vehicleType, start_time: start.toISOString(), end_time: end.toISOString() });
  const res = await quotesRoute(apiRequest("GET", `/v1/quotes?${query}`), routeContext());
  expect(res.status).toBe(200);
  return (await res.json()) as QuoteJson;
}

export function pay(user: TestUser, body: Record<string, unknown>) {
  return paymentsRoute(apiRequest("POST", "/v1/payments", { token: user.token, body }), routeContext());
}

export async function payOk(user: TestUser, r: Pick<ReservationJson, "reservation_id" | "amount">, paymentMethodId = "pm_card_visa") {
  const res = await pay(user, { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: paymentMethodId });
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  return (await res.json()) as PaymentJson;
}

/** A booking paid with pm_card_visa: confirmed, with the card saved for off-session charges. */
export async function paidBooking(user: TestUser, lotId: string, start: Date, end: Date, vehicleType: VehicleType = "compact") {
  const r = await bookOk(user, lotId, start, end, vehicleType);
  const payment = await payOk(user, r);
  return { ...r, status: "confirmed", transaction_id: payment.transaction_id };
}

export function cancel(user: TestUser, id: string) {
  return cancelRoute(apiRequest("PUT", `/v1/reservations/${id}/cancel`, { token: user.token }), routeContext({ id }));
}

export function extend(user: TestUser, id: string, endTime: Date) {
  const body = { end_time: endTime.toISOString() };
  return extendRoute(apiRequest("POST", `/v1/reservations/${id}/extend`, { token: user.token, body }), routeContext({ id }));
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
