import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as openRoute } from "@/app/v1/gates/[gateId]/open/route";
import { POST as ackRoute } from "@/app/v1/gates/commands/[commandId]/ack/route";
import { GET as commandsRoute } from "@/app/v1/gates/commands/route";
import { GET as keysRoute } from "@/app/v1/gates/keys/route";
import { GET as gateEventsRoute } from "@/app/v1/lots/[id]/gate-events/route";
import { POST as rotateRoute } from "@/app/v1/lots/[id]/gates/[gateId]/rotate-secret/route";
import { GET as listGatesRoute, POST as createGateRoute } from "@/app/v1/lots/[id]/gates/route";
import { apiRequest, createTestLot, createUser, expectError, routeContext, type TestUser } from "./fixtures";
import { bookOk } from "./support/driver-api";
import {
  checkIn,
  checkOutOk,
  createGate,
  eventsFor,
  gatedLot,
  gatesSettled,
  minutesFromNow,
  paidPlateBooking,
  passFor,
  uniquePlate,
  useQrSigningKey,
  type GateJson,
} from "./support/gates";
import { useFakeStripe } from "./support/use-fake-stripe";

// Gate credentials, who may use them, operators opening a barrier by hand, the public keys and the
// driver's pass.
useFakeStripe();
useQrSigningKey();

let driver: TestUser;
let otherDriver: TestUser;
let operator: TestUser;
beforeAll(async () => {
  [driver, otherDriver, operator] = await Promise.all([
    createUser("driver"),
    createUser("driver"),
    createUser("operator"),
  ]);
});
afterAll(gatesSettled);

const createAs = (user: TestUser, lotId: string, body: unknown) =>
  createGateRoute(
    apiRequest("POST", `/v1/lots/${lotId}/gates`, { token: user.token, body }),
    routeContext({ id: lotId }),
  );

describe("gate credentials", () => {
  it("gives an operator a new gate's secret once, and lists gates without it", async () => {
    const lot = await createTestLot();
    const gate = await createGate(operator, lot.id, "entry", "North entry");
    expect(gate).toMatchObject({ lot_id: lot.id, name: "North entry", direction: "entry" });
    expect(gate.secret).toMatch(/^gk_[\w-]{20,}$/);

    const res = await listGatesRoute(
      apiRequest("GET", `/v1/lots/${lot.id}/gates`, { token: operator.token }),
      routeContext({ id: lot.id }),
    );
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: Record<string, unknown>[] };
    expect(data).toEqual([
      expect.objectContaining({
        gate_id: gate.gate_id,
        name: "North entry",
        direction: "entry",
        secret_rotated_at: null,
      }),
    ]);
    expect(JSON.stringify(data)).not.toContain(gate.secret);
  });

  it("lets only operators create gates, one name per lot", async () => {
    const lot = await createTestLot();
    await expectError(await createAs(driver, lot.id, { name: "Gate", direction: "exit" }), 403, "forbidden");
    expect((await createAs(operator, lot.id, { name: "Gate", direction: "exit" })).status).toBe(201);
    await expectError(await createAs(operator, lot.id, { name: "Gate", direction: "entry" }), 409, "conflict");
    await expectError(
      await createAs(operator, lot.id, { name: "Side", direction: "sideways" }),
      422,
      "validation_failed",
    );
  });

  it("stops accepting the old secret once it is rotated", async () => {
    const { entry } = await gatedLot(operator);
    const plate = uniquePlate();
    expect((await checkIn(entry, { identifier: plate })).status).toBe(200);
    const res = await rotateRoute(
      apiRequest("POST", `/v1/lots/${entry.lot_id}/gates/${entry.gate_id}/rotate-secret`, { token: operator.token }),
      routeContext({ id: entry.lot_id, gateId: entry.gate_id }),
    );
    expect(res.status).toBe(200);
    const { secret } = (await res.json()) as { gate_id: string; secret: string };
    expect(secret).not.toBe(entry.secret);
    await expectError(await checkIn(entry, { identifier: plate }), 401, "unauthorized");
    expect((await checkIn({ ...entry, secret }, { identifier: uniquePlate() })).status).toBe(200);
  });

  it("refuses a driver's or an operator's token at the gate endpoints, and unknown or missing secrets", async () => {
    const { entry } = await gatedLot(operator);
    await expectError(await checkIn(entry, { identifier: "AB12CD" }, driver.token), 403, "forbidden");
    await expectError(await checkIn(entry, { identifier: "AB12CD" }, operator.token), 403, "forbidden");
    await expectError(
      await checkIn(entry, { identifier: "AB12CD" }, "gk_not-a-real-secret-at-all"),
      401,
      "unauthorized",
    );
    await expectError(await checkIn(entry, { identifier: "AB12CD" }, ""), 401, "unauthorized");
  });

  it("lets a gate act only as itself", async () => {
    const { entry } = await gatedLot(operator);
    const sibling = await createGate(operator, entry.lot_id, "entry");
    await expectError(
      await checkIn({ ...entry, gate_id: sibling.gate_id }, { identifier: "AB12CD" }),
      403,
      "forbidden",
    );
  });
});

describe("opening a barrier by hand", () => {
  const open = (user: TestUser, gateId: string, reason: string) =>
    openRoute(
      apiRequest("POST", `/v1/gates/${gateId}/open`, { token: user.token, body: { reason } }),
      routeContext({ gateId }),
    );
  const commands = async (gate: GateJson) => {
    const res = await commandsRoute(apiRequest("GET", "/v1/gates/commands", { token: gate.secret }), routeContext());
    expect(res.status).toBe(200);
    return (
      (await res.json()) as { data: { command_id: string; command: string; reason: string; issued_by: string }[] }
    ).data;
  };
  const ack = (gate: GateJson, commandId: string) =>
    ackRoute(
      apiRequest("POST", `/v1/gates/commands/${commandId}/ack`, { token: gate.secret }),
      routeContext({ commandId }),
    );

  it("queues the command for that gate's bridge until acknowledged, and logs who did it", async () => {
    const { entry, exit } = await gatedLot(operator);
    const res = await open(operator, entry.gate_id, "Ticket machine jammed");
    expect(res.status).toBe(201);
    const command = (await res.json()) as { command_id: string };

    expect(await commands(entry)).toEqual([
      expect.objectContaining({
        command_id: command.command_id,
        command: "open_barrier",
        reason: "Ticket machine jammed",
        issued_by: operator.name,
      }),
    ]);
    expect(await commands(exit)).toEqual([]);
    await expectError(await ack(exit, command.command_id), 404, "not_found");
    expect((await ack(entry, command.command_id)).status).toBe(200);
    expect((await ack(entry, command.command_id)).status).toBe(200);
    expect(await commands(entry)).toEqual([]);

    const [event] = await eventsFor({ gateId: entry.gate_id });
    expect(event).toMatchObject({
      kind: "manual_open",
      action: "open_barrier",
      reason: "Ticket machine jammed",
      actorId: operator.id,
    });
  });

  it("is for operators only", async () => {
    const { entry } = await gatedLot(operator);
    await expectError(await open(driver, entry.gate_id, "Let me out"), 403, "forbidden");
  });
});

describe("the barrier log", () => {
  it("lists a lot's gate events for operators, filterable by what became of the charges", async () => {
    const { lot, exit } = await gatedLot(operator);
    await checkOutOk(exit, {
      identifier: uniquePlate(),
      event_id: crypto.randomUUID(),
      occurred_at: minutesFromNow(-5).toISOString(),
      offline_decision: "open_barrier",
    });
    await checkOutOk(exit, { identifier: uniquePlate() });
    await gatesSettled();
    const list = async (query: string, user = operator) =>
      gateEventsRoute(
        apiRequest("GET", `/v1/lots/${lot.id}/gate-events${query}`, { token: user.token }),
        routeContext({ id: lot.id }),
      );
    const all = (await (await list("")).json()) as {
      data: { collection: string; gate_name: string; offline: boolean }[];
    };
    expect(all.data).toHaveLength(2);
    const unpaid = (await (await list("?collection=unable_to_collect")).json()) as typeof all;
    expect(unpaid.data).toEqual([
      expect.objectContaining({ collection: "unable_to_collect", gate_name: exit.name, offline: true }),
    ]);
    await expectError(await list("", driver), 403, "forbidden");
  });
});

describe("public keys and the driver's pass", () => {
  it("publishes the Ed25519 public key, never the private part", async () => {
    const res = await keysRoute(apiRequest("GET", "/v1/gates/keys"), routeContext());
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Record<string, string>[] };
    expect(keys).toEqual([
      expect.objectContaining({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig", kid: expect.any(String) }),
    ]);
    expect(keys[0]!.d).toBeUndefined();
  });

  it("gives the owner of a paid reservation a QR pass, as SVG and PNG", async () => {
    const lot = await createTestLot({ counts: { compact: 2 } });
    const r = await paidPlateBooking(driver, lot.id, minutesFromNow(60), minutesFromNow(120), uniquePlate());
    const res = await passFor(driver, r.reservation_id);
    expect(res.status).toBe(200);
    const pass = (await res.json()) as {
      token: string;
      qr_svg: string;
      qr_png_data_url: string;
      valid_from: string;
      valid_until: string;
    };
    expect(pass.token.split(".")).toHaveLength(3);
    expect(pass.qr_svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(pass.qr_png_data_url).toMatch(/^data:image\/png;base64,/);
    // JWT times are whole seconds.
    expect(pass.valid_from).toBe(
      new Date(Math.floor((Date.parse(r.start_time) - 15 * 60_000) / 1000) * 1000).toISOString(),
    );

    expect((await passFor(otherDriver, r.reservation_id)).status).toBe(404);
    expect((await passFor(operator, r.reservation_id)).status).toBe(200);
  });

  it("has no pass for a reservation that is not paid", async () => {
    const lot = await createTestLot({ counts: { compact: 1 } });
    const r = await bookOk(driver, lot.id, minutesFromNow(60), minutesFromNow(120));
    await expectError(await passFor(driver, r.reservation_id), 409, "invalid_state");
  });
});
