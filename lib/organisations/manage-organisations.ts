import type { z } from "zod";
import type { Db } from "@/db/client";
import { insertAudit, listAudit } from "@/db/queries/audit";
import {
  countOwners,
  deleteMember,
  findInvitationByHash,
  findOrganisation,
  insertInvitation,
  insertOrganisation,
  listMembers,
  listOpenInvitations,
  markInvitation,
  organisationsOf,
  revokeInvitationRow,
  setMemberRole,
  upsertMember,
} from "@/db/queries/organisations";
import type { Invitation, OrganisationRole } from "@/db/schema";
import { decodeCursor, pageOf } from "@/lib/api/serialize";
import { forgetCallers } from "@/lib/auth/caller";
import { authorizeOrganisation } from "@/lib/auth/lot-access";
import { generateToken, hashToken } from "@/lib/auth/secrets";
import { ApiError } from "@/lib/errors";
import type { AuditQuery, CreateInvitationInput } from "./schemas";
import { sendInvitationEmail } from "./send-invitation";

type Who = { id: string; email: string; name?: string };

export async function createOrganisation(db: Db, caller: Who, name: string) {
  const org = await db.transaction(async (tx) => {
    const org = await insertOrganisation(tx, name, caller.id);
    await insertAudit(tx, {
      organisationId: org.id,
      actorId: caller.id,
      action: "organisation.created",
      targetType: "organisation",
      targetId: org.id,
      after: { name },
    });
    return org;
  });
  forgetCallers(); // founding one makes the caller an operator
  return { organisation_id: org.id, name: org.name, role: "owner" as const, created_at: org.createdAt.toISOString() };
}

export async function myOrganisations(db: Db, caller: Who) {
  return (await organisationsOf(db, caller.id)).map((o) => ({
    organisation_id: o.id,
    name: o.name,
    role: o.role,
    created_at: o.createdAt.toISOString(),
  }));
}

export async function membersOf(db: Db, caller: Who, organisationId: string) {
  await authorizeOrganisation(db, caller, organisationId, "attendant");
  return (await listMembers(db, organisationId)).map((m) => ({
    user_id: m.userId,
    email: m.email,
    name: m.name,
    role: m.role,
    since: m.since.toISOString(),
  }));
}

/** Owners change roles; the last owner cannot step down (an organisation always has someone for its money). */
export async function changeMemberRole(
  db: Db,
  caller: Who,
  organisationId: string,
  userId: string,
  role: OrganisationRole,
) {
  await authorizeOrganisation(db, caller, organisationId, "owner");
  return db.transaction(async (tx) => {
    const before = (await listMembers(tx, organisationId)).find((m) => m.userId === userId);
    if (!before) throw new ApiError("not_found", "Member not found");
    if (before.role === "owner" && role !== "owner" && (await countOwners(tx, organisationId)) <= 1) {
      throw new ApiError("invalid_state", "An organisation needs at least one owner: make someone else owner first");
    }
    await setMemberRole(tx, organisationId, userId, role);
    await insertAudit(tx, {
      organisationId,
      actorId: caller.id,
      action: "member.role_changed",
      targetType: "user",
      targetId: userId,
      before: { role: before.role },
      after: { role },
    });
    return { user_id: userId, email: before.email, name: before.name, role };
  });
}

/** Owners remove anyone; every member may leave. Not the last owner. */
export async function removeMember(db: Db, caller: Who, organisationId: string, userId: string) {
  await authorizeOrganisation(db, caller, organisationId, userId === caller.id ? "attendant" : "owner");
  await db.transaction(async (tx) => {
    const removed = await deleteMember(tx, organisationId, userId);
    if (!removed) throw new ApiError("not_found", "Member not found");
    if (removed.role === "owner" && (await countOwners(tx, organisationId)) < 1) {
      throw new ApiError("invalid_state", "An organisation needs at least one owner: make someone else owner first");
    }
    await insertAudit(tx, {
      organisationId,
      actorId: caller.id,
      action: "member.removed",
      targetType: "user",
      targetId: userId,
      before: { role: removed.role },
    });
  });
}

function invitationOut(i: Invitation) {
  return {
    invitation_id: i.id,
    organisation_id: i.organisationId,
    email: i.email,
    role: i.role,
    expires_at: i.expiresAt.toISOString(),
    created_at: i.createdAt.toISOString(),
  };
}

/**
 * An invitation by link. The link (with its token) is in this answer only — the owner passes it on —
 * and, with an address and SMTP configured, it is also e-mailed there.
 */
export async function inviteMember(
  db: Db,
  caller: Who,
  organisationId: string,
  input: z.output<typeof CreateInvitationInput>,
  siteUrl: string,
  now = new Date(),
) {
  await authorizeOrganisation(db, caller, organisationId, "owner");
  const token = generateToken("inv");
  const invitation = await db.transaction(async (tx) => {
    const i = await insertInvitation(tx, {
      organisationId,
      email: input.email?.toLowerCase() ?? null,
      role: input.role,
      tokenHash: hashToken(token),
      invitedBy: caller.id,
      expiresAt: new Date(now.getTime() + input.expires_in_days * 86_400_000),
    });
    await insertAudit(tx, {
      organisationId,
      actorId: caller.id,
      action: "invitation.created",
      targetType: "invitation",
      targetId: i.id,
      after: { email: i.email, role: i.role },
    });
    return i;
  });
  const url = `${siteUrl.replace(/\/$/, "")}/organisation/join?token=${encodeURIComponent(token)}`;
  const emailed = invitation.email
    ? await sendInvitationEmail({
        to: invitation.email,
        url,
        inviter: caller,
        organisationName: (await findOrganisation(db, organisationId))?.name ?? "an organisation",
        role: invitation.role,
        expiresAt: invitation.expiresAt,
      })
    : false;
  return { ...invitationOut(invitation), url, emailed };
}

export async function openInvitations(db: Db, caller: Who, organisationId: string) {
  await authorizeOrganisation(db, caller, organisationId, "owner");
  return (await listOpenInvitations(db, organisationId)).map(invitationOut);
}

export async function revokeInvitation(
  db: Db,
  caller: Who,
  organisationId: string,
  invitationId: string,
  now = new Date(),
) {
  await authorizeOrganisation(db, caller, organisationId, "owner");
  const row = await revokeInvitationRow(db, organisationId, invitationId, now);
  if (!row) throw new ApiError("not_found", "Invitation not found");
  const invited = { email: row.email, role: row.role, expires_at: row.expiresAt.toISOString() };
  await insertAudit(db, {
    organisationId,
    actorId: caller.id,
    action: "invitation.revoked",
    targetType: "invitation",
    targetId: row.id,
    before: invited,
    after: { ...invited, revoked_at: now.toISOString() },
  });
}

/** The signed-in user joins with the invitation's role; a link works once, before it expires. */
export async function acceptInvitation(db: Db, caller: Who, token: string, now = new Date()) {
  const joined = await db.transaction(async (tx) => {
    const found = await findInvitationByHash(tx, hashToken(token), { forUpdate: true });
    const i = found?.invitation;
    if (!i || i.revokedAt || i.acceptedAt || i.expiresAt <= now) {
      throw new ApiError("not_found", "This invitation link is unknown, used, revoked or expired: ask for a new one");
    }
    if (i.email && i.email !== caller.email.toLowerCase()) {
      throw new ApiError("forbidden", `This invitation is for ${i.email}: sign in with that address`);
    }
    await upsertMember(tx, i.organisationId, caller.id, i.role);
    await markInvitation(tx, i.id, { acceptedAt: now, acceptedBy: caller.id });
    await insertAudit(tx, {
      organisationId: i.organisationId,
      actorId: caller.id,
      action: "invitation.accepted",
      targetType: "invitation",
      targetId: i.id,
      after: { role: i.role },
    });
    return { organisation_id: i.organisationId, name: found.organisationName, role: i.role };
  });
  forgetCallers(); // joining makes the caller an operator
  return joined;
}

export async function auditLogOf(db: Db, caller: Who, organisationId: string, q: z.output<typeof AuditQuery>) {
  await authorizeOrganisation(db, caller, organisationId, "owner");
  const rows = await listAudit(db, organisationId, { limit: q.limit, cursor: decodeCursor(q.cursor) });
  return pageOf(
    rows.map((r) => ({ ...r.entry, createdAt: r.entry.createdAt, actorEmail: r.actorEmail, actorName: r.actorName })),
    q.limit,
    (r) => ({
      id: r.id,
      at: r.createdAt.toISOString(),
      actor: r.actorId ? { user_id: r.actorId, email: r.actorEmail, name: r.actorName } : null,
      action: r.action,
      target: { type: r.targetType, id: r.targetId },
      before: (r.before ?? null) as Record<string, unknown> | null,
      after: (r.after ?? null) as Record<string, unknown> | null,
    }),
  );
}
