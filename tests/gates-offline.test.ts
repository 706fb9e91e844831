import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { compactVerify, createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { GET as offlineCacheRoute } from "@/app/v1/gates/offline-cache/route";
import { GET as keysRoute } from "@/app/v1/gates/keys/route";
import { getDb } from "@/db/client";
import { reservations } from "@/db/schema";
import { findReservation } from "@/db/queries/reservations";
import type { OfflineCachePayload } from "@/lib/gates/offline-cache";
import { redisGateKv } from "@/lib/gates/kv";
import { gateKeys, gateStores, overrideGateKv } from "@/lib/gates/store";
import { ioredisClient } from "@/lib/redis/client";
import { apiRequest, routeContext, testPeople } from "./fixtures";
import { cancel, ledger, statusOf } from "./support/driver-api";
import {
  checkIn,
  checkInOk,
  checkOutOk,
  eventsFor,
  gatedLot,
  gatesSettled,
  minutesFromNow,
  moveWindow,
  paidPlateBooking,
  passToken,
  uniquePlate,
  useQrSigningKey,
  type GateJson,
  bookedCar,
  type CarOptions,
} from "./support/gates";
import { useFakeStripe } from "./support/use-fake-stripe";
import { closedPort } from "./support/http-server";

// When things fail: the bridge's offline decisions replayed later, the signed cache it decides
// from, and Redis being unreachable.
useFakeStripe();
useQrSigningKey();

const { driver, operator } = testPeople();
afterAll(gatesSettled);

const car = (o?: CarOptions) => bookedCar(operator, driver, o);

const replay = (
  identifier: string,
  occurredAt: Date,
  decision: "open_barrier" | "deny" = "open_barrier",
  eventId = randomUUID(),
) => ({
  identifier,
  event_id: eventId,
  occurred_at: occurredAt.toISOString(),
  offline_decision: decision,
});

describe("offline replays", () => {
  it("records a replayed entry exactly once, checked in at the time the car came in", async () => {
    const { entry, plate, r } = await car();
    const read = replay(plate, minutesFromNow(-3));
    const answers = await Promise.all([checkInOk(entry, read), checkInOk(entry, read)]);
    const again = await checkInOk(entry, read);
    expect(answers[1]).toEqual(answers[0]);
    expect(again).toEqual(answers[0]);
    expect(again).toMatchObject({
      action: "open_barrier",
      reservation_id: r.reservation_id,
      event_id: read.event_id,
      offline: true,
    });

    await gatesSettled();
    const events = await eventsFor({ reservationId: r.reservation_id });
    expect(events.map((e) => [e.eventId, e.offline, e.occurredAt.toISOString()])).toEqual([
      [read.event_id, true, read.occurred_at],
    ]);
    const row = await findReservation(await getDb(), r.reservation_id);
    expect(row).toMatchObject({ status: "checked_in", checkedInAt: new Date(read.occurred_at) });
  });

  it("records a refusal made offline without letting the car in", async () => {
    const { entry, plate, r } = await car();
    const answer = await checkInOk(entry, replay(plate, minutesFromNow(-1), "deny"));
    expect(answer).toMatchObject({ action: "deny", offline: true });
    await gatesSettled();
    expect(await statusOf(driver, r.reservation_id)).toBe("confirmed");
    expect(await eventsFor({ reservationId: r.reservation_id })).toHaveLength(1);
  });

  it("answers the replay of a read answered online with that answer, as one event", async () => {
    const { entry, plate, r } = await car();
    const eventId = randomUUID();
    const online = await checkInOk(entry, { identifier: plate, event_id: eventId });
    // The bridge gave up waiting, opened on its own and replays the read once the server is back.
    const replayed = await checkInOk(entry, replay(plate, minutesFromNow(0), "open_barrier", eventId));
    expect(replayed).toEqual(online);
    await gatesSettled();
    expect(await checkInOk(entry, replay(plate, minutesFromNow(0), "open_barrier", eventId))).toEqual(online);
    expect(await eventsFor({ reservationId: r.reservation_id })).toHaveLength(1);
  });

  it("answers the replay of a duplicate read with the first read's answer", async () => {
    const { entry, plate, r } = await car();
    const first = await checkInOk(entry, { identifier: plate, event_id: randomUUID() });
    // A second camera frame of the same car, under the bridge's own id, which it later replays.
    const duplicateId = randomUUID();
    expect(await checkInOk(entry, { identifier: plate, event_id: duplicateId })).toEqual(first);
    expect(await checkInOk(entry, replay(plate, minutesFromNow(0), "open_barrier", duplicateId))).toEqual(first);
    await gatesSettled();
    expect(await eventsFor({ reservationId: r.reservation_id })).toHaveLength(1);
  });

  it("applies a replayed exit at its time and marks an overstay charged afterwards as collected offline", async () => {
    const { entry, exit, plate, r } = await car();
    await checkInOk(entry, { identifier: plate });
    await gatesSettled();
    const end = minutesFromNow(-120);
    await moveWindow(r.reservation_id, new Date(end.getTime() - 120 * 60_000), end);
    // issue 9: a replayed exit cannot predate the entry, so the entry moves back with the window.
    await (
      await getDb()
    )
      .update(reservations)
      .set({ checkedInAt: new Date(end.getTime() - 120 * 60_000) })
      .where(eq(reservations.id, r.reservation_id));
    // Left an hour after the booked end: 4 quarter hours at €4.00 an hour.
    const read = replay(plate, new Date(end.getTime() + 60 * 60_000));
    const answers = await Promise.all([checkOutOk(exit, read), checkOutOk(exit, read)]);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({
      action: "open_barrier",
      reservation_id: r.reservation_id,
      pending_charges: 400,
      offline: true,
    });

    await gatesSettled();
    const row = await findReservation(await getDb(), r.reservation_id);
    expect(row).toMatchObject({ status: "completed", checkedOutAt: new Date(read.occurred_at) });
    expect(
      (await ledger(r.reservation_id)).filter((p) => p.kind === "adjustment").map((p) => [p.status, p.amount]),
    ).toEqual([["succeeded", 400]]);
    const exits = (await eventsFor({ reservationId: r.reservation_id })).filter((e) => e.kind === "exit");
    expect(exits.map((e) => [e.offline, e.pendingCharges, e.collection])).toEqual([[true, 400, "collected_offline"]]);
  });

  it("marks an offline exit nobody can be charged for as unable to collect", async () => {
    const { exit } = await gatedLot(operator);
    const read = replay(uniquePlate(), minutesFromNow(-10));
    expect(await checkOutOk(exit, read)).toMatchObject({
      action: "open_barrier",
      pending_charges: 0,
      reason: "no_reservation",
      offline: true,
    });
    await gatesSettled();
    const [event] = await eventsFor({ gateId: exit.gate_id });
    expect(event).toMatchObject({ eventId: read.event_id, offline: true, collection: "unable_to_collect" });
  });

  it("takes a replay only with its event id and time", async () => {
    const { entry } = await gatedLot(operator);
    const res = await checkIn(entry, { identifier: uniquePlate(), offline_decision: "open_barrier" });
    expect(res.status).toBe(422);
  });
});

async function jwks() {
  const res = await keysRoute(apiRequest("GET", "/v1/gates/keys"), routeContext());
  expect(res.status).toBe(200);
  return (await res.json()) as JSONWebKeySet;
}

async function offlineCache(gate: GateJson) {
  const res = await offlineCacheRoute(
    apiRequest("GET", "/v1/gates/offline-cache", { token: gate.secret }),
    routeContext(),
  );
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe("the signed offline cache", () => {
  it("lists the lot's bookable plates with their entry windows and verifies with the public keys", async () => {
    const { entry, lot, plate, r } = await car({ startIn: 60 });
    const cancelled = await paidPlateBooking(driver, lot.id, minutesFromNow(30), minutesFromNow(90), uniquePlate());
    await cancel(driver, cancelled.reservation_id);
    const later = await paidPlateBooking(driver, lot.id, minutesFromNow(8 * 60), minutesFromNow(9 * 60), uniquePlate());

    const keys = await jwks();
    const { payload, protectedHeader } = await compactVerify(await offlineCache(entry), createLocalJWKSet(keys));
    expect(protectedHeader).toMatchObject({ alg: "EdDSA", typ: "spotkeeper-gate-cache+jwt", kid: keys.keys[0]!.kid });
    const cache = JSON.parse(new TextDecoder().decode(payload)) as OfflineCachePayload;
    expect(cache).toMatchObject({ lot_id: lot.id, gate_id: entry.gate_id, qr_kids: [keys.keys[0]!.kid] });
    const hours = (Date.parse(cache.valid_until) - Date.parse(cache.issued_at)) / 3600_000;
    expect(hours).toBe(6);
    const start = Date.parse(r.start_time);
    expect(cache.plates).toEqual([
      {
        plate,
        reservation_id: r.reservation_id,
        spot_label: r.spot_label,
        valid_from: new Date(start - 15 * 60_000).toISOString(),
        valid_until: new Date(start + 30 * 60_000).toISOString(),
      },
    ]);
    expect(cache.plates.map((p) => p.reservation_id)).not.toContain(later.reservation_id);
  });

  it("gives an exit gate the cars inside, and refuses a cache tampered with", async () => {
    const { entry, exit, plate, r } = await car();
    await checkInOk(entry, { identifier: plate });
    await gatesSettled();
    const token = await offlineCache(exit);
    const keys = createLocalJWKSet(await jwks());
    const cache = JSON.parse(
      new TextDecoder().decode((await compactVerify(token, keys)).payload),
    ) as OfflineCachePayload;
    expect(cache.plates).toEqual([expect.objectContaining({ plate, reservation_id: r.reservation_id })]);
    // Entry gates without re-entry leave the parked car out (anti-passback offline too).
    const entryCache = JSON.parse(
      new TextDecoder().decode((await compactVerify(await offlineCache(entry), keys)).payload),
    ) as OfflineCachePayload;
    expect(entryCache.plates).toEqual([]);

    const [h, p, s] = token.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...cache, plates: [...cache.plates, { ...cache.plates[0], plate: "FAKE1" }] }),
    ).toString("base64url");
    await expect(compactVerify(`${h}.${forgedPayload}.${s}`, keys)).rejects.toThrow();
    expect(p).not.toBe(forgedPayload);
  });

  it("issues QR passes a gate can check with a standard JWT library and the same keys", async () => {
    const { r } = await car();
    const { payload, protectedHeader } = await jwtVerify(
      await passToken(driver, r.reservation_id),
      createLocalJWKSet(await jwks()),
      {
        typ: "spotkeeper-pass+jwt",
      },
    );
    expect(protectedHeader.alg).toBe("EdDSA");
    expect(payload).toMatchObject({
      rid: r.reservation_id,
      lot: r.lot_id,
      spot_label: r.spot_label,
      nbf: Math.floor((Date.parse(r.start_time) - 15 * 60_000) / 1000),
      exp: Math.floor((Date.parse(r.end_time) + 24 * 3600_000) / 1000),
    });
  });
});

describe("the pass store", () => {
  afterEach(() => overrideGateKv(undefined));

  it("drops a cancelled reservation's keys", async () => {
    const { lot, plate, r } = await car();
    const { shared } = gateStores();
    expect(await shared.get(gateKeys.plate(lot.id, plate))).not.toBeNull();
    expect(await shared.get(gateKeys.reservation(r.reservation_id))).not.toBeNull();
    await cancel(driver, r.reservation_id);
    expect(await shared.get(gateKeys.plate(lot.id, plate))).toBeNull();
    expect(await shared.get(gateKeys.reservation(r.reservation_id))).toBeNull();
  });

  it("still answers from PostgreSQL when Redis is down, and still takes a repeated read as one event", async () => {
    const { entry, exit, lot, plate, r } = await car();
    const other = await paidPlateBooking(driver, lot.id, minutesFromNow(5), minutesFromNow(65), uniquePlate());
    const otherPass = await passToken(driver, other.reservation_id);
    const down = ioredisClient(`redis://127.0.0.1:${await closedPort()}`);
    overrideGateKv(redisGateKv(down));
    try {
      const first = await checkInOk(entry, { identifier: plate });
      expect(first).toMatchObject({ action: "open_barrier", reservation_id: r.reservation_id });
      expect(await checkInOk(entry, { identifier: plate })).toEqual(first);
      const qr = await checkInOk(entry, { identifier: otherPass });
      expect(qr).toMatchObject({ action: "open_barrier", reservation_id: other.reservation_id });
      await gatesSettled();
      expect(await eventsFor({ reservationId: r.reservation_id })).toHaveLength(1);
      expect(await statusOf(driver, r.reservation_id)).toBe("checked_in");
      expect(await checkOutOk(exit, { identifier: plate })).toMatchObject({
        action: "open_barrier",
        reservation_id: r.reservation_id,
      });
      await gatesSettled();
      expect(await statusOf(driver, r.reservation_id)).toBe("completed");
    } finally {
      await down.quit();
    }
  });
});

describe("without a signing key", () => {
  it("answers QR reads and cache requests with a clear error, while plates still work and exits still open", async () => {
    const { entry, exit, plate } = await car();
    const token = await passToken(driver, (await car()).r.reservation_id);
    // A server started without QR_SIGNING_KEY (outside demo mode): env() has no key, none is loaded.
    const { env } = await import("@/lib/env");
    const e = env();
    const key = e.QR_SIGNING_KEY;
    const g = globalThis as { __spotkeeperQrKey?: unknown };
    e.QR_SIGNING_KEY = undefined;
    g.__spotkeeperQrKey = undefined;
    try {
      const res = await checkIn(entry, { identifier: token });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({
        code: "not_configured",
        message: expect.stringContaining("QR_SIGNING_KEY"),
      });
      const cache = await offlineCacheRoute(
        apiRequest("GET", "/v1/gates/offline-cache", { token: entry.secret }),
        routeContext(),
      );
      expect(cache.status).toBe(503);
      expect(await checkInOk(entry, { identifier: plate })).toMatchObject({ action: "open_barrier" });
      expect(await checkOutOk(exit, { identifier: token })).toMatchObject({
        action: "open_barrier",
        reason: "invalid_pass",
      });
    } finally {
      e.QR_SIGNING_KEY = key;
      g.__spotkeeperQrKey = undefined;
    }
  });
});
