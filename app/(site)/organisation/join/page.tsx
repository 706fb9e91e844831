import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { acceptInvitationAction } from "@/app/actions/account";
import { findInvitationByHash } from "@/db/queries/organisations";
import { hashToken } from "@/lib/auth/secrets";
import { getSessionCaller } from "@/lib/auth/session";
import { ActionForm } from "../../account/action-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Join an organisation", referrer: "no-referrer" };

export default async function JoinPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw : "";
  const here = `/organisation/join?token=${encodeURIComponent(token)}`;
  const caller = await getSessionCaller();
  if (!caller) redirect(`/sign-in?callbackUrl=${encodeURIComponent(here)}`);
  const found = token ? await findInvitationByHash(await getDb(), hashToken(token)) : null;
  const i = found?.invitation;
  const usable = i && !i.acceptedAt && !i.revokedAt && i.expiresAt > new Date();
  return (
    <div className="auth-page">
      <section className="card auth-card" aria-labelledby="join-heading">
        <h1 id="join-heading">{usable ? `Join ${found!.organisationName}` : "This invitation cannot be used"}</h1>
        {usable ? (
          <>
            <p>
              You are invited as <strong>{i.role}</strong>
              {i.email ? ` (for ${i.email})` : ""}. You are signed in as {caller.email}.
            </p>
            <ActionForm
              action={acceptInvitationAction}
              submit="Accept invitation"
              pendingLabel="Joining…"
              variant="primary"
            >
              <input type="hidden" name="token" value={token} />
            </ActionForm>
          </>
        ) : (
          <p className="muted">
            The link is unknown, already used, revoked or expired. Ask the organisation&apos;s owner for a new one.
          </p>
        )}
      </section>
    </div>
  );
}
