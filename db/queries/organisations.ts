import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { invitations, lots, memberships, organisations, users, type OrganisationRole } from "../schema";

/** The organisation migration 0007 gave the lots that existed before organisations; the demo's too. */
export const DEMO_ORGANISATION_ID = "5b0c0000-0000-4000-8000-000000000001";

export async function membershipRole(
  db: DbOrTx,
  userId: string,
  organisationId: string,
): Promise<OrganisationRole | null> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organisationId, organisationId)))
    .limit(1);
  return row?.role ?? null;
}

/** A lot with the caller's role in the organisation that runs it (null: not a member). */
export async function findLotWithRole(db: DbOrTx, userId: string, lotId: string) {
  const [row] = await db
    .select({ lot: lots, role: memberships.role })
    .from(lots)
    .leftJoin(memberships, and(eq(memberships.organisationId, lots.organisationId), eq(memberships.userId, userId)))
    .where(eq(lots.id, lotId))
    .limit(1);
  return row ?? null;
}

/** The organisations a user belongs to, with their role in each. */
export async function organisationsOf(db: DbOrTx, userId: string) {
  return db
    .select({
      id: organisations.id,
      name: organisations.name,
      role: memberships.role,
      createdAt: organisations.createdAt,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organisations.name), asc(organisations.id));
}

/** Ids of the lots run by organisations the user is a member of (any role). */
export async function lotIdsOfMember(db: DbOrTx, userId: string) {
  const rows = await db
    .select({ id: lots.id })
    .from(lots)
    .innerJoin(memberships, and(eq(memberships.organisationId, lots.organisationId), eq(memberships.userId, userId)));
  return rows.map((r) => r.id);
}

export async function insertOrganisation(db: DbOrTx, name: string, ownerId: string, id?: string) {
  const [org] = await db.insert(organisations).values({ id, name }).returning();
  await db.insert(memberships).values({ organisationId: org!.id, userId: ownerId, role: "owner" });
  // An operator is someone who runs lots: founding an organisation makes the user one.
  await db.update(users).set({ role: "operator" }).where(eq(users.id, ownerId));
  return org!;
}

export async function findOrganisation(db: DbOrTx, id: string) {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id)).limit(1);
  return row ?? null;
}

export async function listMembers(db: DbOrTx, organisationId: string) {
  return db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organisationId, organisationId))
    .orderBy(asc(users.name), asc(users.id));
}

export async function countOwners(db: DbOrTx, organisationId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.organisationId, organisationId), eq(memberships.role, "owner")));
  return row!.n;
}

export async function setMemberRole(db: DbOrTx, organisationId: string, userId: string, role: OrganisationRole) {
  const [row] = await db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.organisationId, organisationId), eq(memberships.userId, userId)))
    .returning();
  return row ?? null;
}

export async function deleteMember(db: DbOrTx, organisationId: string, userId: string) {
  const [row] = await db
    .delete(memberships)
    .where(and(eq(memberships.organisationId, organisationId), eq(memberships.userId, userId)))
    .returning();
  return row ?? null;
}

/** Adds the member, or changes the role of one already there (accepting a second invitation). */
export async function upsertMember(db: DbOrTx, organisationId: string, userId: string, role: OrganisationRole) {
  await db
    .insert(memberships)
    .values({ organisationId, userId, role })
    .onConflictDoUpdate({ target: [memberships.organisationId, memberships.userId], set: { role } });
  await db.update(users).set({ role: "operator" }).where(eq(users.id, userId));
}

// ---- Invitations ------------------------------------------------------------------------------

export async function insertInvitation(db: DbOrTx, v: typeof invitations.$inferInsert) {
  const [row] = await db.insert(invitations).values(v).returning();
  return row!;
}

export async function listOpenInvitations(db: DbOrTx, organisationId: string) {
  return db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.organisationId, organisationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .orderBy(desc(invitations.createdAt));
}

export async function findInvitationByHash(db: DbOrTx, tokenHash: string, opts: { forUpdate?: boolean } = {}) {
  const q = db
    .select({ invitation: invitations, organisationName: organisations.name })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.organisationId))
    .where(eq(invitations.tokenHash, tokenHash))
    .limit(1);
  const [row] = opts.forUpdate ? await q.for("update", { of: invitations }) : await q;
  return row ?? null;
}

export async function markInvitation(db: DbOrTx, id: string, set: Partial<typeof invitations.$inferInsert>) {
  const [row] = await db.update(invitations).set(set).where(eq(invitations.id, id)).returning();
  return row ?? null;
}

export async function revokeInvitationRow(db: DbOrTx, organisationId: string, id: string, at: Date) {
  const [row] = await db
    .update(invitations)
    .set({ revokedAt: at })
    .where(and(eq(invitations.id, id), eq(invitations.organisationId, organisationId), isNull(invitations.acceptedAt)))
    .returning();
  return row ?? null;
}

export async function lotsOfOrganisations(db: DbOrTx, organisationIds: string[]) {
  if (organisationIds.length === 0) return [];
  return db
    .select()
    .from(lots)
    .where(inArray(lots.organisationId, organisationIds))
    .orderBy(asc(lots.name), asc(lots.id));
}
