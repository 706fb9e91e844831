import { randomUUID } from "node:crypto";
import { beforeAll, expect } from "vitest";
import type { z } from "zod";
import { getDb } from "@/db/client";
import { createApiToken } from "@/db/queries/users";
import { memberships, organisations, users, type OrganisationRole, type SpotCounts } from "@/db/schema";
import { CreateLotInput } from "@/lib/api/schemas";
import { generateToken } from "@/lib/auth/secrets";
import { createLot } from "@/lib/lots/manage-lots";

// Every test makes its own users and lots: the database is shared by all test files of a run (and,
// against a developer's server, may hold anything), so nothing may assume it starts empty.

export type TestUser = { id: string; email: string; name: string; role: "driver" | "operator"; token: string };

/**
 * Operators act only in lots of organisations they belong to: unless told otherwise, a test's
 * operator owns this file's test organisation, where createTestLot puts its lots.
 */
let testOrganisation: Promise<string> | undefined;
export function testOrganisationId(): Promise<string> {
  testOrganisation ??= getDb().then(async (db) => {
    const [org] = await db
      .insert(organisations)
      .values({ name: `Test organisation ${randomUUID().slice(0, 8)}` })
      .returning();
    return org!.id;
  });
  return testOrganisation;
}

export async function addMember(organisationId: string, user: { id: string }, role: OrganisationRole) {
  await (
    await getDb()
  )
    .insert(memberships)
    .values({ organisationId, userId: user.id, role })
    .onConflictDoUpdate({ target: [memberships.organisationId, memberships.userId], set: { role } });
}

/** A fresh organisation with its own owner (an operator), for tests that need two organisations apart. */
export async function createOrganisationWithOwner() {
  const [org] = await (
    await getDb()
  )
    .insert(organisations)
    .values({ name: `Org ${randomUUID().slice(0, 8)}` })
    .returning();
  const owner = await createUser("operator", { organisationId: org!.id, orgRole: "owner" });
  return { organisationId: org!.id, owner };
}

/**
 * The driver and the operator most test files share, created before the file's tests. The objects
 * are filled in place, so a file can take them at its top: `const { driver, operator } = testPeople();`
 */
export function testPeople() {
  const driver = {} as TestUser;
  const operator = {} as TestUser;
  beforeAll(async () => {
    const [d, o] = await Promise.all([createUser("driver"), createUser("operator")]);
    Object.assign(driver, d);
    Object.assign(operator, o);
  });
  return { driver, operator };
}

export async function createUser(
  role: "driver" | "operator" = "driver",
  membership: { organisationId?: string; orgRole?: OrganisationRole } = {},
): Promise<TestUser> {
  const db = await getDb();
  const email = `${role}-${randomUUID()}@test.spotkeeper.dev`;
  const name = role === "operator" ? "Olga Operator" : "Dev Driver";
  const [user] = await db.insert(users).values({ email, name, role }).returning({ id: users.id });
  const token = generateToken();
  await createApiToken(db, user!.id, "test", token);
  if (role === "operator") {
    await addMember(membership.organisationId ?? (await testOrganisationId()), user!, membership.orgRole ?? "owner");
  }
  return { id: user!.id, email, name, role, token };
}

export type LotOptions = Partial<Omit<z.input<typeof CreateLotInput>, "spots">> & {
  counts?: Partial<SpotCounts>;
  organisationId?: string;
};

/** A lot created the way the API creates one (spots labelled G-C001, G-C002, … per type). */
export async function createTestLot({ counts = {}, organisationId, ...fields }: LotOptions = {}) {
  const input = CreateLotInput.parse({
    name: `Test lot ${randomUUID().slice(0, 8)}`,
    address: "1 Test Street",
    time_zone: "Europe/Amsterdam",
    currency: "EUR",
    hourly_rates: { compact: 400, large: 600, ev: 500, handicapped: 300 },
    ...fields,
    spots: { counts },
  });
  const { lot } = await createLot(await getDb(), input, organisationId ?? (await testOrganisationId()));
  return lot;
}

/** A UTC instant `days` days from today at hh:mm, so test windows are in the future and hour-aligned. */
export function at(days: number, hour: number, minute = 0): Date {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  return new Date(d.getTime() + days * 86_400_000 + hour * 3_600_000 + minute * 60_000);
}

const BASE = "http://spotkeeper.test";

type RequestOptions = { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> };

/** A web Request as Next.js hands it to a route handler. */
export function apiRequest(method: string, path: string, opts: RequestOptions = {}): Request {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  return new Request(`${BASE}${path}`, { method, headers, body });
}

/** The second argument of a route handler: Next.js 16 passes `params` as a promise. */
export function routeContext(params: Record<string, string> = {}) {
  return { params: Promise.resolve(params) };
}

/** Asserts the one error shape every endpoint answers with, and returns it. */
export async function expectError(res: Response, status: number, code: string) {
  const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  expect(typeof body.error?.message).toBe("string");
  expect((body.error!.message as string).length).toBeGreaterThan(0);
  return body.error as { code: string; message: string; details?: unknown };
}
