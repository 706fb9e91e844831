import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import {
  changeRoleAction,
  createOrganisationAction,
  inviteAction,
  removeMemberAction,
  revokeInvitationAction,
} from "@/app/actions/account";
import { getSessionCaller } from "@/lib/auth/session";
import { auditLogOf, membersOf, myOrganisations, openInvitations } from "@/lib/organisations/manage-organisations";
import { auditChanges } from "@/lib/organisations/audit-changes";
import { ORGANISATION_ROLES } from "@/lib/organisations/schemas";
import { ActionForm } from "../account/action-form";
import styles from "../account/account.module.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Organisation" };

const ROLE_HELP = {
  owner: "everything, money and members",
  manager: "lots, spots, rates, gates, refunds",
  attendant: "live view and opening the barrier",
} as const;
const when = (iso: string) =>
  new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";

function CreateOrganisation({ first }: { first: boolean }) {
  return (
    <ActionForm
      action={createOrganisationAction}
      submit="Create organisation"
      pendingLabel="Creating…"
      variant={first ? "primary" : "secondary"}
    >
      <div className="field">
        <label htmlFor="org-name">Organisation name</label>
        <input
          id="org-name"
          name="name"
          required
          minLength={2}
          maxLength={120}
          placeholder="e.g. Harbour Parking Ltd"
        />
      </div>
    </ActionForm>
  );
}

export default async function OrganisationPage() {
  const caller = await getSessionCaller();
  if (!caller) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/organisation")}`);
  const db = await getDb();
  const orgs = await myOrganisations(db, caller);

  if (orgs.length === 0) {
    return (
      <div className="stack">
        <header className="page-head">
          <h1>Run your parking lots on Spotkeeper</h1>
          <p className="muted">
            Create an organisation: you become its owner, add lots from the dashboard and invite your team.
          </p>
        </header>
        <section className="card" aria-label="Create an organisation">
          <CreateOrganisation first />
        </section>
      </div>
    );
  }

  const details = await Promise.all(
    orgs.map(async (o) => ({
      ...o,
      members: await membersOf(db, caller, o.organisation_id),
      invitations: o.role === "owner" ? await openInvitations(db, caller, o.organisation_id) : [],
      audit: o.role === "owner" ? (await auditLogOf(db, caller, o.organisation_id, { limit: 30 })).data : [],
    })),
  );

  return (
    <div className="stack">
      <header className="page-head">
        <h1>{orgs.length === 1 ? orgs[0]!.name : "Your organisations"}</h1>
      </header>
      {details.map((o) => (
        <div key={o.organisation_id} className="stack">
          {orgs.length > 1 && <h2>{o.name}</h2>}
          <p className="muted">
            You are <strong>{o.role}</strong> ({ROLE_HELP[o.role]}).
          </p>

          <section className="card" aria-labelledby={`members-${o.organisation_id}`}>
            <h2 id={`members-${o.organisation_id}`}>Members</h2>
            <ul className="stack">
              {o.members.map((m) => (
                <li key={m.user_id}>
                  <strong>{m.name}</strong> <span className={`muted small ${styles.wrap}`}>{m.email}</span>{" "}
                  <span className="pill">{m.role}</span>
                  {o.role === "owner" && m.user_id !== caller.id && (
                    <div className={styles.inline}>
                      <ActionForm
                        action={changeRoleAction}
                        submit="Change role"
                        label={`Change the role of ${m.name}`}
                        className={styles.inline}
                      >
                        <input type="hidden" name="organisation_id" value={o.organisation_id} />
                        <input type="hidden" name="user_id" value={m.user_id} />
                        <label htmlFor={`role-${o.organisation_id}-${m.user_id}`} className="visually-hidden">
                          Role of {m.name}
                        </label>
                        <select id={`role-${o.organisation_id}-${m.user_id}`} name="role" defaultValue={m.role}>
                          {ORGANISATION_ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                      </ActionForm>
                      <ActionForm
                        action={removeMemberAction}
                        submit="Remove"
                        variant="danger"
                        label={`Remove ${m.name}`}
                        className={styles.inline}
                      >
                        <input type="hidden" name="organisation_id" value={o.organisation_id} />
                        <input type="hidden" name="user_id" value={m.user_id} />
                      </ActionForm>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </section>

          {o.role === "owner" && (
            <section className="card" aria-labelledby={`invite-${o.organisation_id}`}>
              <h2 id={`invite-${o.organisation_id}`}>Invite someone</h2>
              <p className="muted small">
                You get a link to send; with an e-mail address (and e-mail configured on the server) it is also sent
                there. Links work once, for 7 days.
              </p>
              <ActionForm
                action={inviteAction}
                submit="Create invitation link"
                pendingLabel="Creating…"
                variant="primary"
              >
                <input type="hidden" name="organisation_id" value={o.organisation_id} />
                <div className="field">
                  <label htmlFor={`invite-role-${o.organisation_id}`}>Role</label>
                  <select id={`invite-role-${o.organisation_id}`} name="role" defaultValue="attendant">
                    {ORGANISATION_ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r} — {ROLE_HELP[r]}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`invite-email-${o.organisation_id}`}>
                    E-mail (optional: only this address may accept)
                  </label>
                  <input id={`invite-email-${o.organisation_id}`} name="email" type="email" autoComplete="off" />
                </div>
              </ActionForm>
              {o.invitations.length > 0 && (
                <>
                  <h3 className="subhead">Open invitations</h3>
                  <ul className="stack">
                    {o.invitations.map((i) => (
                      <li key={i.invitation_id} className={styles.wrap}>
                        <span className="pill">{i.role}</span> {i.email ?? "anyone with the link"} · expires{" "}
                        {when(i.expires_at)}
                        <ActionForm
                          action={revokeInvitationAction}
                          submit="Revoke"
                          variant="danger"
                          label={`Revoke invitation for ${i.email ?? "a link"}`}
                          className={styles.inline}
                        >
                          <input type="hidden" name="organisation_id" value={o.organisation_id} />
                          <input type="hidden" name="invitation_id" value={i.invitation_id} />
                        </ActionForm>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </section>
          )}

          {o.role === "owner" && (
            <section className="card" aria-labelledby={`audit-${o.organisation_id}`}>
              <h2 id={`audit-${o.organisation_id}`}>Audit log</h2>
              <p className={`muted small ${styles.wrap}`}>
                What your team did, newest first (the full log:{" "}
                <code>GET /v1/organisations/{o.organisation_id}/audit-log</code>).
              </p>
              {o.audit.length === 0 ? (
                <p className="muted small">Nothing yet.</p>
              ) : (
                // A list, not a table: on a phone a five-column table hides what changed off to the side.
                <ol className={styles.audit} aria-label={`Audit log of ${o.name}`}>
                  {o.audit.map((e) => (
                    <li key={e.id}>
                      <p className={styles.wrap}>
                        <strong>{e.actor?.name ?? "system"}</strong> <code>{e.action}</code>
                      </p>
                      <p className="muted small">
                        <time dateTime={e.at}>{when(e.at)}</time> · {e.target.type} {e.target.id.slice(0, 8)}
                      </p>
                      <AuditChangeList before={e.before} after={e.after} />
                    </li>
                  ))}
                </ol>
              )}
            </section>
          )}
        </div>
      ))}
      <details className="card advanced">
        <summary>Create another organisation</summary>
        <CreateOrganisation first={false} />
      </details>
    </div>
  );
}

/** Before → after of the fields an act changed (the API's entry has both objects in full). */
function AuditChangeList({ before, after }: { before: unknown; after: unknown }) {
  const changes = auditChanges(before, after);
  if (changes.length === 0) return null;
  const shown = changes.slice(0, 4);
  return (
    <ul className={`small ${styles.changes} ${styles.wrap}`}>
      {shown.map((c) => (
        <li key={c.field}>
          {c.field}: {c.from} → {c.to}
        </li>
      ))}
      {changes.length > shown.length && <li className="muted">and {changes.length - shown.length} more</li>}
    </ul>
  );
}
