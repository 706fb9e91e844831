import { generateKeyPairSync, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, expect } from "vitest";
import { POST as checkInRoute } from "@/app/v1/gates/check-in/route";
import { POST as checkOutRoute } from "@/app/v1/gates/check-out/route";
import { POST as createGateRoute } from "@/app/v1/lots/[id]/gates/route";
import { GET as passRoute } from "@/app/v1/reservations/[id]/pass/route";
import { POST as reservationsRoute } from "@/app/v1/reservations/route";
import { getDb } from "@/db/client";
import { gateEvents, reservations } from "@/db/schema";
import type { CheckInAnswer, CheckOutAnswer } from "@/lib/gates/answers";
import { gateTasksIdle, gateTasksPending } from "@/lib/gates/background";
import { syncGatePass } from "@/lib/gates/sync-gate-pass";
import { settledLater } from "@/lib/payments/money-movements";
import { inProcessScheduler } from "@/lib/workflows/in-process-scheduler";
import { apiRequest, createTestLot, routeContext, type LotOptions, type TestUser } from "../fixtures";
import { payOk, type ReservationJson } from "./driver-api";

// What a gate's bridge does, through the real route handlers, plus the setup the gate tests share.

/**
 * Gives this test file an Ed25519 QR signing key. lib/env.ts reads process.env once per test file,
 * so call it at the top of the file, before anything reads the environment.
 */
export function useQrSigningKey() {
  const saved = process.env.QR_SIGNING_KEY;
  process.env.QR_SIGNING_KEY = JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }));
  afterAll(() => {
    if (saved === undefined) delete process.env.QR_SIGNING_KEY;
    else process.env.QR_SIGNING_KEY = saved;
  });
}

/** Waits until everything a gate answer started (event, transition, workflow consumer, the exit's money) has finished. */
export async function gatesSettled() {
  do {
    await gateTasksIdle();
    await inProcessScheduler().idle();
    await settledLater();
  } while (gateTasksPending() > 0);
}

export type GateJson = { gate_id: string; lot_id: string; name: string; direction: "entry" | "exit"; secret: string };

export async function createGate(
  operator: TestUser,
  lotId: string,
  direction: "entry" | "exit",
  name = `${direction} ${randomUUID().slice(0, 6)}`,
) {
  const res = await createGateRoute(
    apiRequest("POST", `/v1/lots/${lotId}/gates`, { token: operator.token, body: { name, direction } }),
    routeContext({ id: lotId }),
  );
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  return (await res.json()) as GateJson;
}

/** A lot with one entry and one exit gate. */
export async function gatedLot(operator: TestUser, opts: LotOptions = {}) {
  const lot = await createTestLot({ counts: { compact: 3 }, ...opts });
  const [entry, exit] = await Promise.all([
    createGate(operator, lot.id, "entry"),
    createGate(operator, lot.id, "exit"),
  ]);
  return { lot, entry, exit };
}

export type ReadBody = {
  identifier: string;
  confidence?: number;
  event_id?: string;
  occurred_at?: string;
  offline_decision?: "open_barrier" | "deny" | "ask_for_qr";
  barrier?: "opened" | "denied" | "relay_failed";
  received_at?: string;
  sent_at?: string;
};

export function checkIn(gate: Pick<GateJson, "gate_id" | "lot_id" | "secret">, body: ReadBody, token = gate.secret) {
  const payload = { lot_id: gate.lot_id, gate_id: gate.gate_id, ...body };
  return checkInRoute(apiRequest("POST", "/v1/gates/check-in", { token, body: payload }), routeContext());
}

export function checkOut(gate: Pick<GateJson, "gate_id" | "lot_id" | "secret">, body: ReadBody, token = gate.secret) {
  const payload = { lot_id: gate.lot_id, gate_id: gate.gate_id, ...body };
  return checkOutRoute(apiRequest("POST", "/v1/gates/check-out", { token, body: payload }), routeContext());
}

export async function checkInOk(gate: GateJson, body: ReadBody) {
  const res = await checkIn(gate, body);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
  return (await res.json()) as CheckInAnswer;
}

export async function checkOutOk(gate: GateJson, body: ReadBody) {
  const res = await checkOut(gate, body);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
  return (await res.json()) as CheckOutAnswer;
}

/** Books with a plate and pays with pm_card_visa (the file must use the fake Stripe API). */
export async function paidPlateBooking(driver: TestUser, lotId: string, start: Date, end: Date, plate: string) {
  const body = {
    lot_id: lotId,
    vehicle_type: "compact",
    start_time: start.toISOString(),
    end_time: end.toISOString(),
    license_plate: plate,
  };
  const res = await reservationsRoute(
    apiRequest("POST", "/v1/reservations", { token: driver.token, body }),
    routeContext(),
  );
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  const r = (await res.json()) as ReservationJson;
  await payOk(driver, r);
  return r;
}

export type CarOptions = { lot?: LotOptions; startIn?: number; minutes?: number };

/**
 * A gated lot (gatedLot) and a paid booking of it for a fresh plate, from `startIn` minutes from now
 * (5: inside the default entry margin) for `minutes` (two hours).
 */
export async function bookedCar(
  operator: TestUser,
  driver: TestUser,
  { lot = {}, startIn = 5, minutes = 120 }: CarOptions = {},
) {
  const gates = await gatedLot(operator, lot);
  const plate = uniquePlate();
  const start = minutesFromNow(startIn);
  const r = await paidPlateBooking(driver, gates.lot.id, start, minutesFromNow(startIn + minutes), plate);
  return { ...gates, plate, r };
}

export async function passFor(user: TestUser, reservationId: string) {
  const res = await passRoute(
    apiRequest("GET", `/v1/reservations/${reservationId}/pass`, { token: user.token }),
    routeContext({ id: reservationId }),
  );
  return res;
}

export async function passToken(user: TestUser, reservationId: string) {
  const res = await passFor(user, reservationId);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/**
 * Moves a booking's window, as if time had passed since it was made (bookings cannot start in the
 * past), and rewrites its gate pass as an edit would.
 */
export async function moveWindow(reservationId: string, start: Date, end: Date) {
  const db = await getDb();
  await db.update(reservations).set({ startTime: start, endTime: end }).where(eq(reservations.id, reservationId));
  await syncGatePass(db, [reservationId]);
}

export async function eventsFor(reservationOrGate: { reservationId?: string; gateId?: string }) {
  const db = await getDb();
  const where = reservationOrGate.reservationId
    ? eq(gateEvents.reservationId, reservationOrGate.reservationId)
    : eq(gateEvents.gateId, reservationOrGate.gateId!);
  return db.select().from(gateEvents).where(where).orderBy(gateEvents.createdAt);
}

export const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000);

let plateSeq = 0;
/** A plate no other test uses: plates are looked up across lots, and the database is shared. */
export const uniquePlate = () =>
  `T${randomUUID().replace(/-/g, "").slice(0, 7).toUpperCase()}${(plateSeq++ % 10).toString()}`;
