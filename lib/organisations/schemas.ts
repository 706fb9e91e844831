import { z } from "zod";

export const ORGANISATION_ROLES = ["owner", "manager", "attendant"] as const;
export const TOKEN_SCOPES = ["read", "book", "operate"] as const;

export const CreateOrganisationInput = z.object({ name: z.string().trim().min(2).max(120) });
export const MemberRoleInput = z.object({ role: z.enum(ORGANISATION_ROLES) });
export const CreateInvitationInput = z.object({
  role: z.enum(ORGANISATION_ROLES),
  /** When given, only this address may accept, and the link is e-mailed there if SMTP is configured. */
  email: z.email().max(200).optional(),
  expires_in_days: z.number().int().min(1).max(30).default(7),
});
export const AcceptInvitationInput = z.object({ token: z.string().min(10).max(200) });
export const CreateTokenInput = z.object({
  name: z.string().trim().min(1).max(80),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).default(["read", "book"]),
});
export const SignUpInput = z.object({
  name: z.string().trim().min(1).max(120),
  email: z.email().max(200),
  password: z.string().min(10, "must be at least 10 characters").max(200),
});
export const ChangePasswordInput = z.object({
  current_password: z.string().min(1).max(200),
  new_password: z.string().min(10, "must be at least 10 characters").max(200),
});
export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

// --- What the organisation and account operations answer (documented in /v1/openapi.json) ---
const Instant = z.iso.datetime({ offset: true });
export const OrganisationRole = z.enum(ORGANISATION_ROLES).meta({ id: "OrganisationRole" });

export const OrganisationOut = z
  .object({
    organisation_id: z.uuid(),
    name: z.string(),
    role: OrganisationRole.describe("The caller's role in it"),
    created_at: Instant,
  })
  .meta({ id: "Organisation" });
export const MembershipOut = z
  .object({ organisation_id: z.uuid(), name: z.string(), role: OrganisationRole })
  .meta({ id: "Membership" });
export const MemberOut = z
  .object({ user_id: z.uuid(), email: z.string(), name: z.string(), role: OrganisationRole, since: Instant.optional() })
  .meta({ id: "Member" });
export const InvitationOut = z
  .object({
    invitation_id: z.uuid(),
    organisation_id: z.uuid(),
    email: z.string().nullable(),
    role: OrganisationRole,
    expires_at: Instant,
    created_at: Instant,
  })
  .meta({ id: "Invitation" });
export const InvitationCreatedOut = InvitationOut.extend({
  url: z.string().describe("The invitation link, shown only now: pass it on to the person invited"),
  emailed: z.boolean().describe("Whether the link was also e-mailed (an address was given and SMTP is configured)"),
}).meta({ id: "InvitationCreated" });
export const TokenOut = z
  .object({
    token_id: z.uuid(),
    name: z.string(),
    scopes: z.array(z.enum(TOKEN_SCOPES)),
    created_at: Instant,
    last_used_at: Instant.nullable(),
    revoked_at: Instant.nullable(),
  })
  .meta({ id: "ApiToken" });
export const TokenCreatedOut = TokenOut.extend({ token: z.string().describe("The token itself, shown only now") }).meta(
  { id: "ApiTokenCreated" },
);
export const AuditEntryOut = z
  .object({
    id: z.uuid(),
    at: Instant,
    actor: z.object({ user_id: z.uuid(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string().nullable() }),
    before: z.object({}).loose().nullable().describe("The object as it was"),
    after: z.object({}).loose().nullable().describe("The object, or the answer, after"),
  })
  .meta({ id: "AuditEntry" });
