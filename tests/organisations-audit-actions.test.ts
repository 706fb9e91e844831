import { readdirSync } from "node:fs";
import path from "node:path";
import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { listSpots } from "@/db/queries/lots";
import { auditLog } from "@/db/schema";
import { GET as auditRoute } from "@/app/v1/organisations/[id]/audit-log/route";
import type { Caller } from "@/lib/auth/caller";
import { createGate } from "@/lib/gates/manage-gates";
import { inviteMember } from "@/lib/organisations/manage-organisations";
import { createReservation } from "@/lib/reservations/create-reservation";
import {
  apiRequest,
  at,
  createOrganisationWithOwner,
  createTestLot,
  createUser,
  routeContext,
  type TestUser,
} from "./fixtures";

// The dashboard's server actions, walked from app/actions: every action an operator takes on a lot,
// a gate, a driver's booking or the organisation leaves an entry in the organisation's audit log —
// who, what, the target, before and after — as the API's writes do, and the owner reads it in
// GET /v1/organisations/{id}/audit-log. A new action fails here until it is in one of the tables.

let current: Caller | null = null;
vi.mock("@/lib/auth/session", () => ({ getSessionCaller: async () => current }));
vi.mock("next/cache", () => ({ refresh: () => {}, revalidatePath: () => {} }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "spotkeeper.test" }) }));

type Action = (prev: object, form: FormData) => Promise<{ code?: string; error?: string; success?: string }>;
type Fixture = {
  organisationId: string;
  owner: TestUser;
  member: TestUser;
  leaver: TestUser;
  lotId: string;
  spotId: string;
  gateId: string;
  reservationId: string;
  invitationId: string;
  invitationToken: string;
  newcomer: TestUser;
};

type Case = {
  as: (f: Fixture) => TestUser;
  form: (f: Fixture) => Record<string, string | string[]>;
  /** The entry's action, and whether it must carry the target's state before the act. */
  action: string;
  before: boolean;
};

const rates = { rate_compact: "4.00", rate_large: "6.00", rate_ev: "5.00", rate_handicapped: "3.00" };
const AUDITED: Record<string, Case> = {
  updateLotSettings: {
    as: (f) => f.owner,
    form: (f) => ({
      lot_id: f.lotId,
      name: "Renamed lot",
      address: "2 Audit Street",
      grace_minutes: "20",
      no_show_penalty: "5.00",
    }),
    action: "lot.settings_updated",
    before: true,
  },
  updateRatePlan: {
    as: (f) => f.member,
    form: (f) => ({ lot_id: f.lotId, ...rates, rate_compact: "7.50" }),
    action: "lot.rate_plan_updated",
    before: true,
  },
  setSpotService: {
    as: (f) => f.member,
    form: (f) => ({ lot_id: f.lotId, spot_id: f.spotId, in_service: "0" }),
    action: "spot.service_changed",
    before: true,
  },
  addSpotsAction: {
    as: (f) => f.member,
    form: (f) => ({ lot_id: f.lotId, level: "P1", count_ev: "2" }),
    action: "lot.spots_added",
    before: true,
  },
  createGateAction: {
    as: (f) => f.member,
    form: (f) => ({ lot_id: f.lotId, name: "Audit exit", direction: "exit" }),
    action: "gate.created",
    before: false,
  },
  rotateGateAction: {
    as: (f) => f.member,
    form: (f) => ({ lot_id: f.lotId, gate_id: f.gateId }),
    action: "gate.secret_rotated",
    before: true,
  },
  openGateAction: {
    as: (f) => f.owner,
    form: (f) => ({ lot_id: f.lotId, gate_id: f.gateId, reason: "Ticket machine jammed" }),
    action: "gate.opened_by_hand",
    before: true,
  },
  // An operator cancelling a driver's booking is the dashboard's refund.
  cancelBooking: {
    as: (f) => f.member,
    form: (f) => ({ reservation_id: f.reservationId }),
    action: "reservation.cancelled",
    before: true,
  },
  createLotAction: {
    as: (f) => f.owner,
    form: (f) => ({
      organisation_id: f.organisationId,
      name: "Audited new lot",
      address: "3 Audit Street",
      time_zone: "UTC",
      currency: "EUR",
      ...rates,
      count_compact: "1",
    }),
    action: "lot.created",
    before: false,
  },
  inviteAction: {
    as: (f) => f.owner,
    form: (f) => ({ organisation_id: f.organisationId, role: "attendant" }),
    action: "invitation.created",
    before: false,
  },
  revokeInvitationAction: {
    as: (f) => f.owner,
    form: (f) => ({ organisation_id: f.organisationId, invitation_id: f.invitationId }),
    action: "invitation.revoked",
    before: false,
  },
  changeRoleAction: {
    as: (f) => f.owner,
    form: (f) => ({ organisation_id: f.organisationId, user_id: f.member.id, role: "manager" }),
    action: "member.role_changed",
    before: true,
  },
  removeMemberAction: {
    as: (f) => f.owner,
    form: (f) => ({ organisation_id: f.organisationId, user_id: f.leaver.id }),
    action: "member.removed",
    before: true,
  },
  acceptInvitationAction: {
    as: (f) => f.newcomer,
    form: (f) => ({ token: f.invitationToken }),
    action: "invitation.accepted",
    before: false,
  },
  createOrganisationAction: {
    as: (f) => f.owner,
    form: () => ({ name: "Audited organisation" }),
    action: "organisation.created",
    before: false,
  },
};
// A person's acts on their own account or their own booking: the driver's booking history (the
// reservation's lifecycle rows) records those, not an organisation's audit log.
const OWN = new Set([
  "bookSpot",
  "payBooking",
  "extendBooking",
  "signUpAction",
  "changePasswordAction",
  "signOutEverywhereAction",
  "createTokenAction",
  "revokeTokenAction",
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

const asCaller = (u: TestUser): Caller => ({ id: u.id, email: u.email, name: u.name, role: u.role });

/** Runs an action as `user`; a redirect after success (accepting an invitation) counts as success. */
async function run(action: Action, user: TestUser, fields: Record<string, string | string[]>) {
  current = asCaller(user);
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) form.append(k, one);
  try {
    return await action({}, form);
  } catch (err) {
    if ((err as { digest?: string }).digest?.startsWith("NEXT_REDIRECT")) return { success: "redirected" };
    throw err;
  }
}

let f: Fixture;
beforeAll(async () => {
  const db = await getDb();
  const { organisationId, owner } = await createOrganisationWithOwner();
  const member = await createUser("operator", { organisationId, orgRole: "manager" });
  const leaver = await createUser("operator", { organisationId, orgRole: "attendant" });
  const driver = await createUser("driver");
  const lot = await createTestLot({ organisationId, counts: { compact: 2 } });
  const [spot] = await listSpots(db, lot.id);
  const r = await createReservation(db, driver, {
    lot_id: lot.id,
    vehicle_type: "compact",
    start_time: at(3, 10).toISOString(),
    end_time: at(3, 11).toISOString(),
  });
  const gate = await createGate(db, lot.id, { name: "Audit entry", direction: "entry" });
  const toRevoke = await inviteMember(
    db,
    owner,
    organisationId,
    { role: "manager", expires_in_days: 7 },
    "http://spotkeeper.test",
  );
  const toAccept = await inviteMember(
    db,
    owner,
    organisationId,
    { role: "attendant", expires_in_days: 7 },
    "http://spotkeeper.test",
  );
  f = {
    organisationId,
    owner,
    member,
    leaver,
    lotId: lot.id,
    spotId: spot!.id,
    gateId: gate.gate_id,
    reservationId: r.id,
    invitationId: toRevoke.invitation_id,
    invitationToken: new URL(toAccept.url).searchParams.get("token")!,
    newcomer: await createUser("driver"),
  };
});

async function newestEntryBy(actorId: string) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(auditLog)
    .where(eq(auditLog.actorId, actorId))
    .orderBy(desc(auditLog.createdAt))
    .limit(1);
  return row ?? null;
}

describe("every operator act through the dashboard is in the organisation's audit log", () => {
  it("finds the actions", () => expect(actions.length).toBeGreaterThan(10));

  for (const [name, action] of actions.filter(([n]) => !OWN.has(n))) {
    it(name, async () => {
      const c = AUDITED[name];
      expect(c, `${name} is new: add it to AUDITED (it must write the audit log) or to OWN`).toBeDefined();
      const user = c!.as(f);
      const db = await getDb();
      const countBefore = (await db.select().from(auditLog).where(eq(auditLog.actorId, user.id))).length;
      const state = await run(action, user, c!.form(f));
      expect(state.error, JSON.stringify(state)).toBeUndefined();
      const rows = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.actorId, user.id), eq(auditLog.action, c!.action)));
      expect(rows.length, `${name} left no "${c!.action}" entry`).toBeGreaterThan(0);
      expect((await db.select().from(auditLog).where(eq(auditLog.actorId, user.id))).length).toBeGreaterThan(
        countBefore,
      );
      const entry = await newestEntryBy(user.id);
      expect(entry).toMatchObject({ action: c!.action });
      if (c!.before) expect(entry!.before).not.toBeNull();
      expect(
        [entry!.before, entry!.after].some((v) => v !== null),
        "an entry says what changed",
      ).toBe(true);
      expect(JSON.stringify(entry)).not.toMatch(/gk_[\w-]{20,}/); // a secret shown once is never logged
    });
  }
});

// Reads the entries the walk above wrote (vitest runs a file's tests in order).
describe("the owner reads the dashboard's acts in the API", () => {
  it("lists who, what and before/after of a settings edit and a manual open", async () => {
    const res = await auditRoute(
      apiRequest("GET", `/v1/organisations/${f.organisationId}/audit-log?limit=200`, { token: f.owner.token }),
      routeContext({ id: f.organisationId }),
    );
    expect(res.status).toBe(200);
    type Entry = {
      actor: { user_id: string } | null;
      action: string;
      target: { type: string; id: string };
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
    };
    const { data } = (await res.json()) as { data: Entry[] };
    const edit = data.find((e) => e.action === "lot.settings_updated");
    expect(edit).toMatchObject({
      actor: { user_id: f.owner.id },
      target: { type: "lot", id: f.lotId },
      before: { graceMinutes: 30 },
      after: { graceMinutes: 20, name: "Renamed lot" },
    });
    const plan = data.find((e) => e.action === "lot.rate_plan_updated");
    expect(JSON.stringify(plan!.before)).not.toEqual(JSON.stringify(plan!.after));
    const open = data.find((e) => e.action === "gate.opened_by_hand");
    expect(open).toMatchObject({
      target: { type: "gate", id: f.gateId },
      after: { command: { reason: "Ticket machine jammed" } },
    });
    const spot = data.find((e) => e.action === "spot.service_changed");
    expect(spot).toMatchObject({
      target: { type: "spot", id: f.spotId },
      before: { in_service: true },
      after: { in_service: false },
    });
    const rotated = data.find((e) => e.action === "gate.secret_rotated");
    expect(rotated!.before!.secretRotatedAt).not.toEqual(rotated!.after!.secretRotatedAt);
    const created = data.find((e) => e.action === "gate.created");
    expect(created!.after).toMatchObject({ name: "Audit exit", secret: "[shown once]" });
  });

  it("shows them on the owner's /organisation page with what changed", async () => {
    current = asCaller(f.owner);
    const { default: OrganisationPage } = await import("@/app/(site)/organisation/page");
    const texts: string[] = [];
    const seen = new WeakSet<object>();
    // The page's element tree; its change lists are plain function components, rendered here by calling them.
    const walk = (v: unknown) => {
      if (typeof v === "string" || typeof v === "number") return void texts.push(String(v));
      if (!v || typeof v !== "object" || seen.has(v)) return;
      seen.add(v);
      const el = v as { type?: unknown; props?: Record<string, unknown> };
      if (typeof el.type === "function" && el.type.name === "AuditChangeList")
        return walk((el.type as (p: unknown) => unknown)(el.props));
      for (const [k, child] of Object.entries(v)) if (!k.startsWith("_")) walk(child);
    };
    walk(await OrganisationPage());
    const text = texts.join(" ");
    expect(text).toContain("lot.settings_updated");
    expect(text).toContain("gate.opened_by_hand");
    expect(text).toMatch(/graceMinutes\s*:\s*30\s*→\s*20/);
  });
});
