import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { reservations } from "@/db/schema";
import { createGate } from "@/lib/gates/manage-gates";
import { createPersonalToken } from "@/lib/auth/accounts";
import { inviteMember } from "@/lib/organisations/manage-organisations";
import { createReservation } from "@/lib/reservations/create-reservation";
import { useFakeStripe } from "./support/use-fake-stripe";
import {
  apiRequest,
  at,
  createOrganisationWithOwner,
  createTestLot,
  createUser,
  expectError,
  type TestUser,
} from "./fixtures";
import { isWrongMethodHandler } from "@/lib/http/unknown-route";

// Two organisations with an operator each. Every operator endpoint, walked from the route files
// themselves, must answer 404 to organisation B's owner for organisation A's lots, gates,
// reservations, members and invitations. A new route file is not in the table below and fails
// the walk until someone decides which kind of endpoint it is (and adds the check).

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type RouteModule = Partial<
  Record<Method, (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>>
>;

const APP = path.join(process.cwd(), "app");
function routeFiles(dir = path.join(APP, "v1")): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    // The catch-all only answers 404 for paths no operation has.
    return name === "route.ts" && !full.includes("[...slug]") ? [full] : [];
  });
}
const templateOf = (file: string) => "/" + path.relative(APP, path.dirname(file)).split(path.sep).join("/");

// Endpoints with nothing of an organisation in them: public reads, the gates' own (a gate secret
// is per gate and checked against its lot by the gate tests), and the caller's own account.
const PUBLIC = new Set([
  "GET /v1/lots",
  "GET /v1/lots/[id]",
  "GET /v1/lots/[id]/spots",
  "GET /v1/lots/[id]/availability",
  "GET /v1/quotes",
  "GET /v1/openapi.json",
  "GET /v1/gates/keys",
]);
const GATE_SECRET = new Set([
  "POST /v1/gates/check-in",
  "POST /v1/gates/check-out",
  "GET /v1/gates/commands",
  "POST /v1/gates/commands/[commandId]/ack",
  "GET /v1/gates/offline-cache",
  "GET /v1/gates/self",
  "POST /v1/gates/reports",
]);
const OWN_ACCOUNT = new Set([
  "GET /v1/me",
  "GET /v1/me/tokens",
  "POST /v1/me/tokens",
  "GET /v1/organisations",
  "POST /v1/organisations",
  "POST /v1/invitations/accept",
]);

type A = {
  organisationId: string;
  owner: TestUser;
  driver: TestUser;
  lotId: string;
  gateId: string;
  reservationId: string;
  amount: number;
  invitationId: string;
  tokenId: string;
};
type Probe = { params?: Record<string, string>; query?: string; body?: unknown };

// For every operator endpoint: the request organisation B's owner sends with organisation A's ids.
const PROBES: Record<string, (a: A) => Probe> = {
  "GET /v1/lots/[id]/gate-events": (a) => ({ params: { id: a.lotId } }),
  "GET /v1/lots/[id]/gates": (a) => ({ params: { id: a.lotId } }),
  "POST /v1/lots/[id]/gates": (a) => ({ params: { id: a.lotId }, body: { name: "Intruder gate", direction: "entry" } }),
  "POST /v1/lots/[id]/gates/[gateId]/rotate-secret": (a) => ({ params: { id: a.lotId, gateId: a.gateId } }),
  "GET /v1/lots/[id]/payments": (a) => ({
    params: { id: a.lotId },
    query: `from=${at(-1, 0).toISOString()}&to=${at(1, 0).toISOString()}`,
  }),
  "PATCH /v1/lots/[id]": (a) => ({ params: { id: a.lotId }, body: { grace_minutes: 1 } }),
  "POST /v1/lots/[id]/spots": (a) => ({ params: { id: a.lotId }, body: { counts: { compact: 1 } } }),
  "POST /v1/lots": (a) => ({
    query: `organisation_id=${a.organisationId}`,
    body: {
      name: "Intruder lot",
      address: "x",
      time_zone: "UTC",
      currency: "EUR",
      hourly_rates: { compact: 1, large: 1, ev: 1, handicapped: 1 },
    },
  }),
  "POST /v1/gates/[gateId]/open": (a) => ({ params: { gateId: a.gateId }, body: { reason: "Let me in" } }),
  "GET /v1/gates/[gateId]/commands/[commandId]": (a) => ({ params: { gateId: a.gateId, commandId: a.gateId } }),
  "GET /v1/reservations": (a) => ({ query: `lot_id=${a.lotId}` }),
  "POST /v1/reservations": (a) => ({
    body: {
      lot_id: a.lotId,
      user_id: a.driver.id,
      vehicle_type: "compact",
      start_time: at(3, 10).toISOString(),
      end_time: at(3, 11).toISOString(),
    },
  }),
  "GET /v1/reservations/[id]": (a) => ({ params: { id: a.reservationId } }),
  "GET /v1/reservations/[id]/payments": (a) => ({ params: { id: a.reservationId } }),
  "GET /v1/reservations/[id]/pass": (a) => ({ params: { id: a.reservationId } }),
  "PUT /v1/reservations/[id]/cancel": (a) => ({ params: { id: a.reservationId } }),
  "POST /v1/reservations/[id]/extend": (a) => ({
    params: { id: a.reservationId },
    body: { end_time: at(2, 14).toISOString() },
  }),
  "POST /v1/payments": (a) => ({
    body: { reservation_id: a.reservationId, amount: a.amount, payment_method_id: "pm_card_visa" },
  }),
  "GET /v1/organisations/[id]/members": (a) => ({ params: { id: a.organisationId } }),
  "PATCH /v1/organisations/[id]/members/[userId]": (a) => ({
    params: { id: a.organisationId, userId: a.owner.id },
    body: { role: "attendant" },
  }),
  "DELETE /v1/organisations/[id]/members/[userId]": (a) => ({ params: { id: a.organisationId, userId: a.owner.id } }),
  "GET /v1/organisations/[id]/invitations": (a) => ({ params: { id: a.organisationId } }),
  "POST /v1/organisations/[id]/invitations": (a) => ({ params: { id: a.organisationId }, body: { role: "owner" } }),
  "DELETE /v1/organisations/[id]/invitations/[invitationId]": (a) => ({
    params: { id: a.organisationId, invitationId: a.invitationId },
  }),
  "GET /v1/organisations/[id]/audit-log": (a) => ({ params: { id: a.organisationId } }),
  // Someone else's token is as unknown as any other id.
  "DELETE /v1/me/tokens/[tokenId]": (a) => ({ params: { tokenId: a.tokenId } }),
};

useFakeStripe();

let a: A;
let intruder: TestUser;

beforeAll(async () => {
  const db = await getDb();
  const orgA = await createOrganisationWithOwner();
  const orgB = await createOrganisationWithOwner();
  intruder = orgB.owner;
  const driver = await createUser("driver");
  const lot = await createTestLot({ organisationId: orgA.organisationId, counts: { compact: 3 } });
  const gate = await createGate(db, lot.id, { name: "Entry", direction: "entry" });
  const r = await createReservation(db, driver, {
    lot_id: lot.id,
    vehicle_type: "compact",
    start_time: at(2, 10).toISOString(),
    end_time: at(2, 12).toISOString(),
  });
  const invitation = await inviteMember(
    db,
    orgA.owner,
    orgA.organisationId,
    { role: "attendant", expires_in_days: 7 },
    "http://spotkeeper.test",
  );
  const token = await createPersonalToken(db, orgA.owner, { name: "ci", scopes: ["read"] });
  a = {
    ...orgA,
    driver,
    lotId: lot.id,
    gateId: gate.gate_id,
    reservationId: r.id,
    amount: r.amount,
    invitationId: invitation.invitation_id,
    tokenId: token.token_id,
  };
});

// Imported while collecting, so there is one test per exported method (a new one appears by itself).
const routes = (
  await Promise.all(
    routeFiles().map(async (file) => {
      const mod = (await import(/* @vite-ignore */ file)) as RouteModule;
      const template = templateOf(file);
      return (
        (["GET", "POST", "PUT", "PATCH", "DELETE"] as Method[])
          // (A method the file does not serve answers 405 before anything: otherMethods.)
          .filter((method) => typeof mod[method] === "function" && !isWrongMethodHandler(mod[method]))
          .map((method) => ({ handler: mod[method]!, template, method, key: `${method} ${template}` }))
      );
    }),
  )
).flat();

describe("every operator endpoint refuses another organisation's objects with 404", () => {
  it("finds the route files", () => {
    expect(routes.length).toBeGreaterThan(30);
  });

  const operatorRoutes = routes.filter(({ key }) => !PUBLIC.has(key) && !GATE_SECRET.has(key) && !OWN_ACCOUNT.has(key));
  for (const { handler, template, method, key } of operatorRoutes) {
    it(key, async () => {
      const probe = PROBES[key];
      expect(
        probe,
        `${key} is new: add it to PROBES (and give it the organisation check) or to the lists of non-operator endpoints`,
      ).toBeDefined();
      const p = probe!(a);
      let url = template.replace(/\[(\w+)\]/g, (_, name: string) => p.params?.[name] ?? `missing-${name}`);
      if (p.query) url += `?${p.query}`;
      const res = await handler(apiRequest(method, url, { token: intruder.token, body: p.body }), {
        params: Promise.resolve(p.params ?? {}),
      });
      await expectError(res, 404, "not_found");
    });
  }

  it("left organisation A's lot and reservation as they were", async () => {
    const db = await getDb();
    expect((await findLot(db, a.lotId))!.graceMinutes).toBe(30);
    const [r] = await db.select().from(reservations).where(eq(reservations.id, a.reservationId));
    expect(r!.status).toBe("pending_payment");
  });
});
