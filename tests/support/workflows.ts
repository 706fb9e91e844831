import { randomBytes } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, expect } from "vitest";
import { POST as paymentsRoute } from "@/app/v1/payments/route";
import { PUT as cancelRoute } from "@/app/v1/reservations/[id]/cancel/route";
import { GET as reservationRoute } from "@/app/v1/reservations/[id]/route";
import { POST as reservationsRoute } from "@/app/v1/reservations/route";
import { closeDb, getDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { ledgerFor } from "@/db/queries/payments";
import { reservationTransitions } from "@/db/schema";
import { env } from "@/lib/env";
import { paymentProvider } from "@/lib/payments";
import { apiRequest, routeContext, type TestUser } from "../fixtures";
import { startFakeStripe, type FakeStripe } from "./fake-stripe";

// Helpers for the workflow tests (tests/workflows-*.test.ts).

/**
 * A database of this test file's own. The backstop and the scheduler sweep the whole database, as
 * they do in production; in the run's shared database they would also move (and charge, through
 * this file's fake Stripe) other files' reservations. Call with top-level await, before anything
 * reads the environment; the database is dropped after the file.
 */
export async function useOwnDatabase() {
  const shared = new URL(process.env.DATABASE_URL!);
  const name = `spotkeeper_wf_${randomBytes(5).toString("hex")}`;
  const admin = postgres(shared.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const own = new URL(shared);
  own.pathname = `/${name}`;
  await migrateDatabase(own.toString());
  process.env.DATABASE_URL = own.toString();

  afterAll(async () => {
    await closeDb();
    const drop = postgres(shared.toString(), { max: 1, onnotice: () => {} });
    try {
      await drop.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await drop.end();
    }
  });
}

/**
 * Starts the fake Stripe API (tests/support/fake-stripe.ts) for this file and points the real
 * provider at it. Must be called at the top of the file, before any hook reads the environment.
 */
export function useStripe(): () => FakeStripe {
  let fake: FakeStripe | undefined;
  beforeAll(async () => {
    fake = await startFakeStripe();
    process.env.STRIPE_SECRET_KEY = "sk_test_spotkeeper_workflows";
    process.env.STRIPE_API_BASE = fake.url;
    if (env().STRIPE_API_BASE !== fake.url || paymentProvider()?.name !== "stripe") {
      throw new Error("lib/env.ts was read before useStripe() set STRIPE_*: call it before other hooks");
    }
  });
  afterAll(async () => {
    await fake?.close();
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_API_BASE;
  });
  return () => fake!;
}

/** The PaymentIntents the fake Stripe holds for a reservation (the booking's first), with a description filter. */
export function intentsFor(stripe: FakeStripe, reservationId: string, description?: string) {
  return [...stripe.intents.values()].filter(
    (pi) => pi.metadata?.reservation_id === reservationId && (!description || pi.description === description),
  );
}

export function refundsOf(stripe: FakeStripe, reservationId: string) {
  const intents = new Set(
    [...stripe.intents.values()].filter((pi) => pi.metadata?.reservation_id === reservationId).map((pi) => pi.id),
  );
  return [...stripe.refunds.values()].filter((r) => intents.has(r.payment_intent));
}

export type Booking = { reservation_id: string; amount: number; currency: string; spot_label: string; status: string };

export function book(user: TestUser, lotId: string, start: Date, end: Date) {
  const body = { lot_id: lotId, vehicle_type: "compact", start_time: start.toISOString(), end_time: end.toISOString() };
  return reservationsRoute(apiRequest("POST", "/v1/reservations", { token: user.token, body }), routeContext());
}

export async function bookOk(user: TestUser, lotId: string, start: Date, end: Date): Promise<Booking> {
  const res = await book(user, lotId, start, end);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  return (await res.json()) as Booking;
}

/** Booked and paid with pm_card_visa (saved for off-session charges): confirmed. */
export async function paidBooking(user: TestUser, lotId: string, start: Date, end: Date): Promise<Booking> {
  const r = await bookOk(user, lotId, start, end);
  const body = { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: "pm_card_visa" };
  const res = await paymentsRoute(apiRequest("POST", "/v1/payments", { token: user.token, body }), routeContext());
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  return { ...r, status: "confirmed" };
}

export async function cancelOk(user: TestUser, id: string) {
  const res = await cancelRoute(
    apiRequest("PUT", `/v1/reservations/${id}/cancel`, { token: user.token }),
    routeContext({ id }),
  );
  expect(res.status).toBe(200);
}

/** The status the driver sees (GET /v1/reservations/:id). */
export async function statusOf(user: TestUser, id: string) {
  const res = await reservationRoute(
    apiRequest("GET", `/v1/reservations/${id}`, { token: user.token }),
    routeContext({ id }),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as Booking).status;
}

/** The ledger as [kind, status, amount], oldest first. */
export async function ledger(reservationId: string) {
  return (await ledgerFor(await getDb(), reservationId)).map((p) => [p.kind, p.status, p.amount] as const);
}

/** The audit trail as "from→to (cause)", oldest first. */
export async function transitions(reservationId: string) {
  const rows = await (
    await getDb()
  )
    .select()
    .from(reservationTransitions)
    .where(eq(reservationTransitions.reservationId, reservationId))
    .orderBy(asc(reservationTransitions.createdAt));
  return rows.map((t) => `${t.fromStatus}→${t.toStatus} (${t.cause})`);
}

/** A gate's report of a car moving, as the gates send it. */
export function movement(
  r: { reservation_id: string },
  lotId: string,
  occurredAt: Date,
  eventId = randomBytes(6).toString("hex"),
) {
  return {
    reservation_id: r.reservation_id,
    lot_id: lotId,
    gate_id: "gate-test-1",
    event_id: eventId,
    occurred_at: occurredAt.toISOString(),
  };
}
