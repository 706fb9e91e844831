"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { refresh } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import {
  changePassword,
  createPersonalToken,
  revokePersonalToken,
  signOutEverywhere,
  signUp,
} from "@/lib/auth/accounts";
import { authorizeOrganisation } from "@/lib/auth/lot-access";
import { errorResponse } from "@/lib/http/respond";
import {
  acceptInvitation,
  changeMemberRole,
  createOrganisation,
  inviteMember,
  removeMember,
  revokeInvitation,
} from "@/lib/organisations/manage-organisations";
import {
  AcceptInvitationInput,
  ChangePasswordInput,
  CreateInvitationInput,
  CreateOrganisationInput,
  CreateTokenInput,
  MemberRoleInput,
  SignUpInput,
  TOKEN_SCOPES,
} from "@/lib/organisations/schemas";
import { siteUrl } from "@/lib/organisations/site-url";
import { clientIp, enforceLimits } from "@/lib/ratelimit";
import { humanise } from "@/components/format";
import { validatedAction, type ActionState } from "./validated-action";

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
};

/** The request as a web Request (for the client address the limiter reads). */
async function currentRequest() {
  return new Request("http://local/", { headers: Object.fromEntries((await headers()).entries()) });
}

// Sign-up form – a new driver account. No session yet, so not a validatedAction; the same schema and
// error mapping. Limited like sign-in per address, so accounts cannot be minted in bulk.
export async function signUpAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = { name: text(form, "name"), email: text(form, "email") };
  try {
    await enforceLimits([["sign_in_ip", clientIp(await currentRequest())]]);
    const input = SignUpInput.parse({ ...values, password: form.get("password") ?? "" });
    await signUp(await getDb(), input);
    return { success: "Account created.", values: { email: input.email } }; // the form signs in with it next
  } catch (err) {
    const { error } = (await errorResponse(err).json()) as {
      error: { code: string; message: string; details?: { path: string; message: string }[] };
    };
    const fieldErrors = Array.isArray(error.details)
      ? Object.fromEntries(
          error.details.filter((d) => typeof d?.path === "string").map((d) => [d.path, humanise(d.message)]),
        )
      : undefined;
    return { error: humanise(error.message), code: error.code, fieldErrors, values };
  }
}

// Account page – new password; every session ends, this one too, so the driver signs in again.
export const changePasswordAction = validatedAction(
  ChangePasswordInput,
  async (input, { db, caller }) => {
    await changePassword(db, caller, input);
    redirect("/sign-in?callbackUrl=%2Faccount");
  },
  { returnTo: () => "/account" },
);

// Account page – sign out on every device (this one included).
export const signOutEverywhereAction = validatedAction(
  z.object({}),
  async (_input, { db, caller }) => {
    await signOutEverywhere(db, caller);
    redirect("/sign-in");
  },
  { returnTo: () => "/account" },
);

// Account page – a personal API token, same schema and lib function as POST /v1/me/tokens.
export const createTokenAction = validatedAction(
  CreateTokenInput,
  async (input, { db, caller }) => {
    const created = await createPersonalToken(db, caller, input);
    refresh();
    return { success: `Token “${created.name}” created. Copy it now: it is not shown again.`, secret: created.token };
  },
  {
    fromForm: (form) => ({
      name: text(form, "name"),
      scopes: TOKEN_SCOPES.filter((s) => form.get(`scope_${s}`) === "on"),
    }),
    returnTo: () => "/account",
  },
);

export const revokeTokenAction = validatedAction(
  z.object({ token_id: z.uuid() }),
  async ({ token_id }, { db, caller }) => {
    const t = await revokePersonalToken(db, caller, token_id);
    refresh();
    return { success: `Token “${t.name}” revoked.` };
  },
  { returnTo: () => "/account" },
);

// Organisation page – found an organisation, same schema and lib function as POST /v1/organisations.
export const createOrganisationAction = validatedAction(
  CreateOrganisationInput,
  async ({ name }, { db, caller }) => {
    await createOrganisation(db, caller, name);
    refresh();
    return { success: `${name} created. You are its owner.` };
  },
  { returnTo: () => "/organisation" },
);

const OrgForm = z.object({ organisation_id: z.uuid() });

export const inviteAction = validatedAction(
  OrgForm.extend({ invitation: CreateInvitationInput }),
  async ({ organisation_id, invitation }, { db, caller }) => {
    await authorizeOrganisation(db, caller, organisation_id, "owner"); // before reading anything of the request
    const h = await headers();
    const origin = `${h.get("x-forwarded-proto") ?? "http"}://${h.get("x-forwarded-host") ?? h.get("host") ?? "localhost"}`;
    const created = await inviteMember(db, caller, organisation_id, invitation, siteUrl(new Request(origin)));
    refresh();
    return {
      success: created.emailed
        ? `Invitation e-mailed to ${created.email}. The link also works if you pass it on:`
        : "Invitation created. Send this link to the person you invite:",
      secret: created.url,
    };
  },
  {
    fromForm: (form) => ({
      organisation_id: text(form, "organisation_id"),
      invitation: { role: text(form, "role"), email: text(form, "email") || undefined },
    }),
    returnTo: () => "/organisation",
  },
);

export const changeRoleAction = validatedAction(
  OrgForm.extend({ user_id: z.uuid(), role: MemberRoleInput.shape.role }),
  async ({ organisation_id, user_id, role }, { db, caller }) => {
    const m = await changeMemberRole(db, caller, organisation_id, user_id, role);
    refresh();
    return { success: `${m.name} is now ${role}.` };
  },
  { returnTo: () => "/organisation" },
);

export const removeMemberAction = validatedAction(
  OrgForm.extend({ user_id: z.uuid() }),
  async ({ organisation_id, user_id }, { db, caller }) => {
    await removeMember(db, caller, organisation_id, user_id);
    refresh();
    return { success: "Member removed." };
  },
  { returnTo: () => "/organisation" },
);

export const revokeInvitationAction = validatedAction(
  OrgForm.extend({ invitation_id: z.uuid() }),
  async ({ organisation_id, invitation_id }, { db, caller }) => {
    await revokeInvitation(db, caller, organisation_id, invitation_id);
    refresh();
    return { success: "Invitation revoked." };
  },
  { returnTo: () => "/organisation" },
);

export const acceptInvitationAction = validatedAction(
  AcceptInvitationInput,
  async ({ token }, { db, caller }) => {
    await acceptInvitation(db, caller, token);
    redirect("/organisation");
  },
  { returnTo: (form) => `/organisation/join?token=${encodeURIComponent(text(form, "token"))}` },
);
