import { beforeAll, describe, expect, it } from "vitest";
import { POST as openGateRoute } from "@/app/v1/gates/[gateId]/open/route";
import { GET as gateEventsRoute } from "@/app/v1/lots/[id]/gate-events/route";
import { POST as rotateRoute } from "@/app/v1/lots/[id]/gates/[gateId]/rotate-secret/route";
import { GET as listGatesRoute, POST as createGateRoute } from "@/app/v1/lots/[id]/gates/route";
import { GET as ledgerRoute } from "@/app/v1/lots/[id]/payments/route";
import { PATCH as updateLotRoute } from "@/app/v1/lots/[id]/route";
import { POST as addSpotsRoute } from "@/app/v1/lots/[id]/spots/route";
import { POST as acceptRoute } from "@/app/v1/invitations/accept/route";
import { GET as auditRoute } from "@/app/v1/organisations/[id]/audit-log/route";
import { GET as invitationsRoute, POST as inviteRoute } from "@/app/v1/organisations/[id]/invitations/route";
import { GET as membersRoute } from "@/app/v1/organisations/[id]/members/route";
import { PATCH as memberRoleRoute } from "@/app/v1/organisations/[id]/members/[userId]/route";
import { POST as createOrgRoute } from "@/app/v1/organisations/route";
import { POST as createLotRoute } from "@/app/v1/lots/route";
import { PUT as cancelRoute } from "@/app/v1/reservations/[id]/cancel/route";
import { POST as extendRoute } from "@/app/v1/reservations/[id]/extend/route";
import { GET as reservationPaymentsRoute } from "@/app/v1/reservations/[id]/payments/route";
import { GET as reservationRoute } from "@/app/v1/reservations/[id]/route";
import { GET as listReservationsRoute } from "@/app/v1/reservations/route";
import { POST as paymentsRoute } from "@/app/v1/payments/route";
import { getDb } from "@/db/client";
import { createGate } from "@/lib/gates/manage-gates";
import { createReservation } from "@/lib/reservations/create-reservation";
import {
  apiRequest,
  at,
  createOrganisationWithOwner,
  createTestLot,
  createUser,
  expectError,
  routeContext,
  type TestUser,
} from "./fixtures";
import { useFakeStripe } from "./support/use-fake-stripe";

// Each role's allowed and refused actions in its own organisation, and the owners' audit log.
useFakeStripe();

let organisationId: string;
let owner: TestUser, manager: TestUser, attendant: TestUser, driver: TestUser;
let lotId: string, gateId: string;

beforeAll(async () => {
  const org = await createOrganisationWithOwner();
  organisationId = org.organisationId;
  owner = org.owner;
  [manager, attendant, driver] = await Promise.all([
    createUser("operator", { organisationId, orgRole: "manager" }),
    createUser("operator", { organisationId, orgRole: "attendant" }),
    createUser("driver"),
  ]);
  const lot = await createTestLot({ organisationId, counts: { compact: 5 } });
  lotId = lot.id;
  gateId = (await createGate(await getDb(), lot.id, { name: "Entry", direction: "entry" })).gate_id;
});

const as = (user: TestUser, method: string, url: string, body?: unknown) =>
  apiRequest(method, url, { token: user.token, body });
const booking = async (day = 2) =>
  createReservation(await getDb(), driver, {
    lot_id: lotId,
    vehicle_type: "compact",
    start_time: at(day, 9).toISOString(),
    end_time: at(day, 10).toISOString(),
  });

describe("attendant: live view and the barrier, no settings or money", () => {
  it("may list gates, read the gate log, open a barrier with a reason and look up a booking", async () => {
    expect(
      (await listGatesRoute(as(attendant, "GET", `/v1/lots/${lotId}/gates`), routeContext({ id: lotId }))).status,
    ).toBe(200);
    expect(
      (await gateEventsRoute(as(attendant, "GET", `/v1/lots/${lotId}/gate-events`), routeContext({ id: lotId })))
        .status,
    ).toBe(200);
    const open = await openGateRoute(
      as(attendant, "POST", `/v1/gates/${gateId}/open`, { reason: "Ticket machine jammed" }),
      routeContext({ gateId }),
    );
    expect(open.status).toBe(201);
    const r = await booking(2);
    expect(
      (await reservationRoute(as(attendant, "GET", `/v1/reservations/${r.id}`), routeContext({ id: r.id }))).status,
    ).toBe(200);
    const list = await listReservationsRoute(as(attendant, "GET", `/v1/reservations?lot_id=${lotId}`), routeContext());
    expect(((await list.json()) as { data: { reservation_id: string }[] }).data.map((x) => x.reservation_id)).toContain(
      r.id,
    );
  });

  it("is refused settings, spots, gates, money and cancelling a driver's booking (403)", async () => {
    await expectError(
      await updateLotRoute(
        as(attendant, "PATCH", `/v1/lots/${lotId}`, { grace_minutes: 5 }),
        routeContext({ id: lotId }),
      ),
      403,
      "forbidden",
    );
    await expectError(
      await addSpotsRoute(
        as(attendant, "POST", `/v1/lots/${lotId}/spots`, { counts: { compact: 1 } }),
        routeContext({ id: lotId }),
      ),
      403,
      "forbidden",
    );
    await expectError(
      await createGateRoute(
        as(attendant, "POST", `/v1/lots/${lotId}/gates`, { name: "X", direction: "exit" }),
        routeContext({ id: lotId }),
      ),
      403,
      "forbidden",
    );
    await expectError(
      await rotateRoute(
        as(attendant, "POST", `/v1/lots/${lotId}/gates/${gateId}/rotate-secret`),
        routeContext({ id: lotId, gateId }),
      ),
      403,
      "forbidden",
    );
    const q = `from=${at(-1, 0).toISOString()}&to=${at(3, 0).toISOString()}`;
    await expectError(
      await ledgerRoute(as(attendant, "GET", `/v1/lots/${lotId}/payments?${q}`), routeContext({ id: lotId })),
      403,
      "forbidden",
    );
    const r = await booking(3);
    await expectError(
      await cancelRoute(as(attendant, "PUT", `/v1/reservations/${r.id}/cancel`), routeContext({ id: r.id })),
      403,
      "forbidden",
    );
    await expectError(
      await reservationPaymentsRoute(
        as(attendant, "GET", `/v1/reservations/${r.id}/payments`),
        routeContext({ id: r.id }),
      ),
      403,
      "forbidden",
    );
    await expectError(
      await membersRoute(
        as(attendant, "GET", `/v1/organisations/${organisationId}/members`),
        routeContext({ id: organisationId }),
      ).then(async (res) => {
        expect(res.status).toBe(200); // members may see who else is in their organisation
        return inviteRoute(
          as(attendant, "POST", `/v1/organisations/${organisationId}/invitations`, { role: "owner" }),
          routeContext({ id: organisationId }),
        );
      }),
      403,
      "forbidden",
    );
  });
});

describe("manager: lots, spots, rates, gates, refunds", () => {
  it("may edit the lot, add spots, add and rotate gates, and cancel (refund) a driver's booking", async () => {
    expect(
      (
        await updateLotRoute(
          as(manager, "PATCH", `/v1/lots/${lotId}`, { grace_minutes: 20 }),
          routeContext({ id: lotId }),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await addSpotsRoute(
          as(manager, "POST", `/v1/lots/${lotId}/spots`, { counts: { compact: 1 } }),
          routeContext({ id: lotId }),
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await createGateRoute(
          as(manager, "POST", `/v1/lots/${lotId}/gates`, { name: "Exit", direction: "exit" }),
          routeContext({ id: lotId }),
        )
      ).status,
    ).toBe(201);
    const rotated = await rotateRoute(
      as(manager, "POST", `/v1/lots/${lotId}/gates/${gateId}/rotate-secret`),
      routeContext({ id: lotId, gateId }),
    );
    expect(rotated.status).toBe(200);
    const r = await booking(4);
    expect(
      (
        await reservationPaymentsRoute(
          as(manager, "GET", `/v1/reservations/${r.id}/payments`),
          routeContext({ id: r.id }),
        )
      ).status,
    ).toBe(200);
    const cancelled = await cancelRoute(
      as(manager, "PUT", `/v1/reservations/${r.id}/cancel`),
      routeContext({ id: r.id }),
    );
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { status: string }).status).toBe("cancelled");
  });

  it("is refused the ledger, members, invitations and the audit log", async () => {
    const q = `from=${at(-1, 0).toISOString()}&to=${at(3, 0).toISOString()}`;
    await expectError(
      await ledgerRoute(as(manager, "GET", `/v1/lots/${lotId}/payments?${q}`), routeContext({ id: lotId })),
      403,
      "forbidden",
    );
    await expectError(
      await inviteRoute(
        as(manager, "POST", `/v1/organisations/${organisationId}/invitations`, { role: "manager" }),
        routeContext({ id: organisationId }),
      ),
      403,
      "forbidden",
    );
    await expectError(
      await memberRoleRoute(
        as(manager, "PATCH", `/v1/organisations/${organisationId}/members/${manager.id}`, { role: "owner" }),
        routeContext({ id: organisationId, userId: manager.id }),
      ),
      403,
      "forbidden",
    );
    await expectError(
      await auditRoute(
        as(manager, "GET", `/v1/organisations/${organisationId}/audit-log`),
        routeContext({ id: organisationId }),
      ),
      403,
      "forbidden",
    );
  });
});

describe("money a driver did not agree to is never taken", () => {
  it("refuses an operator extending or paying a driver's booking in their own lot (403); the driver may", async () => {
    const r = await booking(5);
    for (const op of [owner, manager, attendant]) {
      await expectError(
        await extendRoute(
          as(op, "POST", `/v1/reservations/${r.id}/extend`, { end_time: at(5, 12).toISOString() }),
          routeContext({ id: r.id }),
        ),
        403,
        "forbidden",
      );
      await expectError(
        await paymentsRoute(
          as(op, "POST", "/v1/payments", { reservation_id: r.id, amount: r.amount, payment_method_id: "pm_card_visa" }),
          routeContext(),
        ),
        403,
        "forbidden",
      );
    }
    const paid = await paymentsRoute(
      as(driver, "POST", "/v1/payments", { reservation_id: r.id, amount: r.amount, payment_method_id: "pm_card_visa" }),
      routeContext(),
    );
    expect(paid.status).toBe(201);
    const extended = await extendRoute(
      as(driver, "POST", `/v1/reservations/${r.id}/extend`, { end_time: at(5, 11).toISOString() }),
      routeContext({ id: r.id }),
    );
    expect(extended.status).toBe(200);
  });
});

describe("owner: everything, money and members", () => {
  it("reads the ledger and an audit log with who, when, what and before/after of the others' acts", async () => {
    const q = `from=${at(-1, 0).toISOString()}&to=${at(7, 0).toISOString()}`;
    expect(
      (await ledgerRoute(as(owner, "GET", `/v1/lots/${lotId}/payments?${q}`), routeContext({ id: lotId }))).status,
    ).toBe(200);
    const res = await auditRoute(
      as(owner, "GET", `/v1/organisations/${organisationId}/audit-log?limit=200`),
      routeContext({ id: organisationId }),
    );
    expect(res.status).toBe(200);
    type Entry = {
      at: string;
      actor: { user_id: string } | null;
      action: string;
      target: { type: string; id: string };
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
    };
    const { data } = (await res.json()) as { data: Entry[] };
    const edit = data.find((e) => e.action === "lot.settings_updated" && e.actor?.user_id === manager.id);
    expect(edit).toBeDefined();
    expect(edit!.before).toMatchObject({ graceMinutes: 30 });
    expect(edit!.after).toMatchObject({ grace_minutes: 20 });
    const cancel = data.find((e) => e.action === "reservation.cancelled");
    expect(cancel).toMatchObject({
      actor: { user_id: manager.id },
      target: { type: "reservation" },
      before: { status: "pending_payment" },
      after: { status: "cancelled" },
    });
    const opened = data.find((e) => e.action === "gate.opened_by_hand");
    expect(opened?.actor?.user_id).toBe(attendant.id);
    const rotate = data.find((e) => e.action === "gate.secret_rotated");
    expect(JSON.stringify(rotate)).not.toMatch(/gk_[\w-]{20,}/); // a secret shown once is never logged
    expect(Date.parse(edit!.at)).not.toBeNaN();
  });

  it("invites by link; the invitee joins with that role, once", async () => {
    const res = await inviteRoute(
      as(owner, "POST", `/v1/organisations/${organisationId}/invitations`, { role: "manager" }),
      routeContext({ id: organisationId }),
    );
    expect(res.status).toBe(201);
    const inv = (await res.json()) as { url: string; invitation_id: string; emailed: boolean };
    expect(inv.emailed).toBe(false);
    const token = new URL(inv.url).searchParams.get("token")!;
    const listed = await invitationsRoute(
      as(owner, "GET", `/v1/organisations/${organisationId}/invitations`),
      routeContext({ id: organisationId }),
    );
    expect(JSON.stringify(await listed.json())).not.toContain(token);

    const newcomer = await createUser("driver");
    const accepted = await acceptRoute(as(newcomer, "POST", "/v1/invitations/accept", { token }), routeContext());
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ organisation_id: organisationId, role: "manager" });
    expect(
      (
        await updateLotRoute(
          as(newcomer, "PATCH", `/v1/lots/${lotId}`, { grace_minutes: 25 }),
          routeContext({ id: lotId }),
        )
      ).status,
    ).toBe(200);
    const other = await createUser("driver");
    await expectError(
      await acceptRoute(as(other, "POST", "/v1/invitations/accept", { token }), routeContext()),
      404,
      "not_found",
    );
  });

  it("cannot leave the organisation without an owner", async () => {
    await expectError(
      await memberRoleRoute(
        as(owner, "PATCH", `/v1/organisations/${organisationId}/members/${owner.id}`, { role: "manager" }),
        routeContext({ id: organisationId, userId: owner.id }),
      ),
      409,
      "invalid_state",
    );
  });
});

describe("a new operator", () => {
  it("founds an organisation and creates lots in it, and nowhere else", async () => {
    const founder = await createUser("driver");
    await expectError(
      await createLotRoute(
        as(founder, "POST", "/v1/lots", {
          name: "L",
          address: "A",
          time_zone: "UTC",
          currency: "EUR",
          hourly_rates: { compact: 1, large: 1, ev: 1, handicapped: 1 },
        }),
        routeContext(),
      ),
      403,
      "forbidden",
    );
    const org = await createOrgRoute(
      as(founder, "POST", "/v1/organisations", { name: "Founder Parking" }),
      routeContext(),
    );
    expect(org.status).toBe(201);
    const created = await createLotRoute(
      as(founder, "POST", "/v1/lots", {
        name: "Founder lot",
        address: "A",
        time_zone: "UTC",
        currency: "EUR",
        hourly_rates: { compact: 1, large: 1, ev: 1, handicapped: 1 },
      }),
      routeContext(),
    );
    expect(created.status).toBe(201);
    const lot = (await created.json()) as { lot_id: string };
    await expectError(
      await updateLotRoute(
        as(owner, "PATCH", `/v1/lots/${lot.lot_id}`, { grace_minutes: 5 }),
        routeContext({ id: lot.lot_id }),
      ),
      404,
      "not_found",
    );
  });
});
