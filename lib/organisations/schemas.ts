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
export const AuditQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().optional() });
