import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import type { Caller } from "@/lib/auth/caller";
import { inviteMember } from "@/lib/organisations/manage-organisations";
import { createReservation } from "@/lib/reservations/create-reservation";
import { useFakeStripe } from "./support/use-fake-stripe";
import { at, createOrganisationWithOwner, createTestLot, createUser, type TestUser } from "./fixtures";

// The dashboard's and site's server actions, walked from app/actions: every action that names a lot,
// reservation, organisation, member or invitation refuses organisation B's owner and B's attendant
// for organisation A's (the same "not found" the API answers). A new action fails until it is in one
// of the tables.

useFakeStripe();

let current: Caller | null = null;
vi.mock("@/lib/auth/session", () => ({ getSessionCaller: async () => current }));
vi.mock("next/cache", () => ({ refresh: () => {}, revalidatePath: () => {} }));

type Action = (prev: object, form: FormData) => Promise<{ code?: string; error?: string }>;
type Ids = {
  organisationId: string;
  ownerId: string;
  lotId: string;
  gateId: string;
  reservationId: string;
  amount: number;
  invitationId: string;
  tokenId: string;
};

const SCOPED: Record<string, (a: Ids) => Record<string, string>> = {
  addSpotsAction: (a) => ({ lot_id: a.lotId, level: "G", count_compact: "1" }),
  createLotAction: (a) => ({
    organisation_id: a.organisationId,
    name: "Intruder",
    address: "x",
    time_zone: "UTC",
    currency: "EUR",
    rate_compact: "1",
    rate_large: "1",
    rate_ev: "1",
    rate_handicapped: "1",
  }),
  cancelBooking: (a) => ({ reservation_id: a.reservationId }),
  payBooking: (a) => ({ reservation_id: a.reservationId, amount: String(a.amount), payment_method_id: "pm_card_visa" }),
  inviteAction: (a) => ({ organisation_id: a.organisationId, role: "owner" }),
  changeRoleAction: (a) => ({ organisation_id: a.organisationId, user_id: a.ownerId, role: "attendant" }),
  removeMemberAction: (a) => ({ organisation_id: a.organisationId, user_id: a.ownerId }),
  revokeInvitationAction: (a) => ({ organisation_id: a.organisationId, invitation_id: a.invitationId }),
  revokeTokenAction: (a) => ({ token_id: a.tokenId }),
  extendBooking: (a) => ({ reservation_id: a.reservationId, end_local: "2030-01-01T12:00" }),
  updateLotSettings: (a) => ({ lot_id: a.lotId, name: "Taken over" }),
  updateRatePlan: (a) => ({ lot_id: a.lotId }),
  setSpotService: (a) => ({ lot_id: a.lotId, spot_id: a.lotId, in_service: "0" }),
  createGateAction: (a) => ({ lot_id: a.lotId, name: "Intruder gate", direction: "entry" }),
  rotateGateAction: (a) => ({ lot_id: a.lotId, gate_id: a.gateId }),
  openGateAction: (a) => ({ lot_id: a.lotId, gate_id: a.gateId, reason: "Let me in" }),
};
// Actions about the caller's own account, or booking for oneself in any lot (drivers are everyone's customers).
const OWN = new Set([
  "bookSpot",
  "signUpAction",
  "changePasswordAction",
  "signOutEverywhereAction",
  "createTokenAction",
  "createOrganisationAction",
  "acceptInvitationAction",
]);

const dir = path.join(process.cwd(), "app/actions");
const actions = (
  await Promise.all(
    readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && f !== "validated-action.ts")
      .map(async (f) =>
        Object.entries((await import(/* @vite-ignore */ path.join(dir, f))) as Record<string, unknown>),
      ),
  )
)
  .flat()
  .filter(([, v]) => typeof v === "function") as [string, Action][];

let ids: Ids;
let intruders: [string, TestUser][];
beforeAll(async () => {
  const db = await getDb();
  const a = await createOrganisationWithOwner();
  const b = await createOrganisationWithOwner();
  intruders = [
    ["owner of another organisation", b.owner],
    [
      "attendant of another organisation",
      await createUser("operator", { organisationId: b.organisationId, orgRole: "attendant" }),
    ],
  ];
  const driver = await createUser("driver");
  const lot = await createTestLot({ organisationId: a.organisationId, counts: { compact: 2 } });
  const r = await createReservation(db, driver, {
    lot_id: lot.id,
    vehicle_type: "compact",
    start_time: at(2, 10).toISOString(),
    end_time: at(2, 11).toISOString(),
  });
  const inv = await inviteMember(
    db,
    a.owner,
    a.organisationId,
    { role: "manager", expires_in_days: 7 },
    "http://spotkeeper.test",
  );
  const { createPersonalToken } = await import("@/lib/auth/accounts");
  const token = await createPersonalToken(db, a.owner, { name: "t", scopes: ["read"] });
  const { createGate } = await import("@/lib/gates/manage-gates");
  const gate = await createGate(db, lot.id, { name: "A entry", direction: "entry" });
  ids = {
    organisationId: a.organisationId,
    ownerId: a.owner.id,
    lotId: lot.id,
    gateId: gate.gate_id,
    reservationId: r.id,
    amount: r.amount,
    invitationId: inv.invitation_id,
    tokenId: token.token_id,
  };
});

describe("every server action refuses another organisation's objects", () => {
  it("finds the actions", () => expect(actions.length).toBeGreaterThan(10));

  for (const [name, action] of actions.filter(([n]) => !OWN.has(n))) {
    it(name, async () => {
      const fields = SCOPED[name];
      expect(fields, `${name} is new: add it to SCOPED (with the organisation check) or to OWN`).toBeDefined();
      for (const [who, intruder] of intruders) {
        current = { id: intruder.id, email: intruder.email, name: intruder.name, role: intruder.role };
        const form = new FormData();
        for (const [k, v] of Object.entries(fields!(ids))) form.set(k, v);
        const state = await action({}, form);
        expect(state.code, who).toBe("not_found");
      }
    });
  }
});
