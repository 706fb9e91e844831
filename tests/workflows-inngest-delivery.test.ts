import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { inngest } from "@/inngest/client";
import { findLot } from "@/db/queries/lots";
import { runEffects } from "@/lib/lifecycle/effects";
import { lifecycleEventsIdle } from "@/lib/workflows/lifecycle-events";
import { sendEvent } from "@/lib/workflows/send-event";
import { startWorkflows } from "@/lib/workflows/start-workflows";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { bookOk, cancelOk, movement, paidBooking, useStripe } from "./support/workflows";

// With an Inngest server configured (here INNGEST_DEV pointing at a local stand-in for the dev
// server's event API), events go to Inngest, with their id as the idempotency key, and nothing
// runs in-process.
type Sent = { name: string; data: Record<string, unknown>; id: string };
const received: Sent[] = [];
let failing = false;
/** While set, the stand-in takes events but answers only once it resolves (Inngest slow or far away). */
let held: Promise<void> | null = null;
let release = () => {};
const inngestServer: Server = createServer((req, res) => {
  let body = "";
  req
    .on("data", (c) => (body += c))
    .on("end", async () => {
      if (failing || req.method !== "POST" || !req.url?.startsWith("/e/")) {
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ error: "unavailable", status: 500 }));
        return;
      }
      const events = JSON.parse(body) as Sent[];
      received.push(...events);
      if (held) await held;
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ids: events.map((_, i) => `evt_${received.length + i}`), status: 200 }));
    });
});
await new Promise<void>((r) => inngestServer.listen(0, "127.0.0.1", r));
process.env.INNGEST_DEV = `http://127.0.0.1:${(inngestServer.address() as AddressInfo).port}`;
// The client read the environment when it was imported (above); a server sets it before starting.
inngest.setEnvVars();
afterAll(async () => {
  release(); // a test that failed while Inngest held a request
  delete process.env.INNGEST_DEV;
  inngest.setEnvVars({ INNGEST_DEV: undefined });
  await new Promise<void>((r) => inngestServer.close(() => r()));
});

useStripe();

let driver: TestUser;
beforeAll(async () => {
  driver = await createUser("driver");
});

const about = (reservationId: string) => received.filter((e) => e.data.reservation_id === reservationId);

describe("with Inngest configured", () => {
  it("sends a gate's event to Inngest with its id as the idempotency key, and starts no in-process scheduler", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(4, 9), at(4, 10));
    const data = movement(r, lot.id, at(4, 9), "read-42");
    await sendEvent({ name: "parking/vehicle.entered", data, id: "vehicle.entered:read-42" });
    expect(about(r.reservation_id).filter((e) => e.name === "parking/vehicle.entered")).toEqual([
      expect.objectContaining({ name: "parking/vehicle.entered", data, id: "vehicle.entered:read-42" }),
    ]);
    expect(startWorkflows()).toBeNull();
  });

  it("publishes each lifecycle change, with ids that make a repeated effect a duplicate", async () => {
    const lot = await createTestLot({ counts: { compact: 1 }, grace_minutes: 20 });
    const booked = await bookOk(driver, lot.id, at(4, 11), at(4, 13));
    const r = await paidBooking(driver, lot.id, at(4, 14), at(4, 15));
    await cancelOk(driver, r.reservation_id);
    await lifecycleEventsIdle();
    const id = r.reservation_id;

    expect(about(booked.reservation_id).map((e) => [e.name, e.id])).toEqual([
      ["parking/reservation.created", `reservation.created:${booked.reservation_id}`],
    ]);
    // Sent in the background, one request's after another's: Inngest does not promise their order
    // either, and the workflows re-read the reservation when they wake (sleepUntil, then the row).
    const byName = (a: Sent, b: Sent) => a.name.localeCompare(b.name);
    expect(about(id).sort(byName)).toEqual([
      expect.objectContaining({
        name: "parking/reservation.cancelled",
        id: `reservation.cancelled:${id}`,
        data: { reservation_id: id },
      }),
      expect.objectContaining({
        name: "parking/reservation.confirmed",
        id: `reservation.confirmed:${id}`,
        data: { reservation_id: id, start_time: at(4, 14).toISOString(), grace_ends_at: at(4, 14, 20).toISOString() },
      }),
      expect.objectContaining({
        name: "parking/reservation.created",
        id: `reservation.created:${id}`,
        data: { reservation_id: id, hold_expires_at: expect.any(String) },
      }),
    ]);
    expect((await findLot(await getDb(), lot.id))!.graceMinutes).toBe(20);

    // The same change published again (an effect re-run) carries the same id: Inngest drops it.
    const before = about(id).length;
    await runEffects(await getDb(), [
      { kind: "transition", reservationId: id, from: "confirmed", to: "cancelled", cause: "driver", at: new Date() },
    ]);
    await lifecycleEventsIdle();
    expect(
      about(id)
        .slice(before)
        .map((e) => e.id),
    ).toEqual([`reservation.cancelled:${id}`]);
  });

  it("still commits the change when Inngest cannot be reached; sendEvent itself rejects", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await paidBooking(driver, lot.id, at(4, 16), at(4, 17));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    failing = true;
    try {
      await cancelOk(driver, r.reservation_id);
      await lifecycleEventsIdle();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("not sent to Inngest"), expect.any(String));
      const data = movement(r, lot.id, at(4, 16));
      await expect(
        sendEvent({ name: "parking/vehicle.entered", data, id: `vehicle.entered:${data.event_id}` }),
      ).rejects.toThrow();
    } finally {
      failing = false;
      warn.mockRestore();
    }
  });
  it("answers a booking without waiting for Inngest, and sends its event once Inngest answers", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    held = new Promise((r) => (release = r));
    try {
      // Answered 201 while Inngest has not answered the event's request (it cannot, until released).
      const booked = await bookOk(driver, lot.id, at(4, 18), at(4, 19));
      await vi.waitFor(() =>
        expect(about(booked.reservation_id).map((e) => e.name)).toEqual(["parking/reservation.created"]),
      );
      release();
      await lifecycleEventsIdle();
    } finally {
      release();
      held = null;
    }
  });
});
