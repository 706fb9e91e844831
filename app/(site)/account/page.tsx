import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import {
  changePasswordAction,
  createTokenAction,
  revokeTokenAction,
  signOutEverywhereAction,
} from "@/app/actions/account";
import { personalTokens } from "@/lib/auth/accounts";
import { getSessionCaller } from "@/lib/auth/session";
import { TOKEN_SCOPES } from "@/lib/organisations/schemas";
import { ActionForm } from "./action-form";
import styles from "./account.module.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your account" };

const SCOPE_HELP: Record<(typeof TOKEN_SCOPES)[number], string> = {
  read: "read your reservations and lots",
  book: "book, pay and cancel",
  operate: "run your organisation's lots and gates",
};
const when = (iso: string | null) =>
  iso
    ? new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC"
    : "never";

export default async function AccountPage() {
  const caller = await getSessionCaller();
  if (!caller) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/account")}`);
  const tokens = await personalTokens(await getDb(), caller);

  return (
    <div className="stack">
      <header className="page-head">
        <h1>Your account</h1>
        <p className={`muted ${styles.wrap}`}>
          {caller.name} · {caller.email} · {caller.role}
        </p>
        <p>
          <Link href="/organisation">
            {caller.role === "operator" ? "Your organisation" : "Run parking lots? Create an organisation"}
          </Link>
        </p>
      </header>

      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <p className="muted small">Every other session ends too; you sign in again with the new password.</p>
        <ActionForm action={changePasswordAction} submit="Change password" pendingLabel="Changing…">
          <div className="field">
            <label htmlFor="current_password">Current password</label>
            <input
              id="current_password"
              name="current_password"
              type="password"
              autoComplete="current-password"
              required
            />
          </div>
          <div className="field">
            <label htmlFor="new_password">New password (at least 10 characters)</label>
            <input
              id="new_password"
              name="new_password"
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
            />
          </div>
        </ActionForm>
      </section>

      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        <p className="muted small">
          Lost a phone, or signed in on a shared computer? End every session, this one included.
        </p>
        <ActionForm
          action={signOutEverywhereAction}
          submit="Sign out everywhere"
          pendingLabel="Signing out…"
          variant="danger"
        />
      </section>

      <section className="card" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">API tokens</h2>
        <p className="muted small">
          For scripts and integrations: send <code>Authorization: Bearer &lt;token&gt;</code> to the{" "}
          <Link href="/v1/openapi.json">REST API</Link>. A token is shown once; revoking it stops it at once.
        </p>
        {tokens.length === 0 ? (
          <p className="muted small">No tokens yet.</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Your API tokens">
            <table>
              <caption className="visually-hidden">Your API tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.token_id}>
                    <td>{t.name}</td>
                    <td>{t.scopes.join(", ")}</td>
                    <td>{when(t.last_used_at)}</td>
                    <td>
                      {t.revoked_at ? (
                        `Revoked ${when(t.revoked_at)}`
                      ) : (
                        <ActionForm
                          action={revokeTokenAction}
                          submit="Revoke"
                          pendingLabel="Revoking…"
                          variant="danger"
                          label={`Revoke token ${t.name}`}
                        >
                          <input type="hidden" name="token_id" value={t.token_id} />
                        </ActionForm>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h3 className="subhead">New token</h3>
        <ActionForm action={createTokenAction} submit="Create token" pendingLabel="Creating…" variant="primary">
          <div className="field">
            <label htmlFor="token-name">Name</label>
            <input id="token-name" name="name" required maxLength={80} placeholder="e.g. Home Assistant" />
          </div>
          <fieldset className="field">
            <legend>Scopes</legend>
            {TOKEN_SCOPES.filter((s) => s !== "operate" || caller.role === "operator").map((s) => (
              <label key={s} className={styles.checkbox}>
                <input type="checkbox" name={`scope_${s}`} defaultChecked={s !== "operate"} /> <strong>{s}</strong> —{" "}
                {SCOPE_HELP[s]}
              </label>
            ))}
          </fieldset>
        </ActionForm>
      </section>
    </div>
  );
}
