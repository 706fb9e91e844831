"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

type DemoAccount = { email: string; name: string; role: string };

export function SignInForm({
  callbackUrl,
  demo,
}: {
  callbackUrl: string;
  demo: { accounts: DemoAccount[]; password: string } | null;
}) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const res = await signIn("credentials", { email, password, callbackUrl, redirect: false });
    if (res?.ok && !res.error) {
      // A full load, so the header and every server component see the new session cookie.
      window.location.assign(callbackUrl);
      return;
    }
    setPending(false);
    setError(
      res?.error === "CredentialsSignin"
        ? "That email and password do not match an account."
        : res?.error?.startsWith("Too many")
          ? res.error
          : "Signing in failed. Please try again.",
    );
  }

  return (
    <div className="stack">
      <form onSubmit={submit} className="card auth-card">
        <h1>Sign in</h1>
        <p className="muted">Book spots and manage your reservations.</p>
        <div className="field">
          <label htmlFor="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <div aria-live="polite" className="form-message-slot">
          {error && (
            <p role="alert" className="alert alert-error">
              {error}
            </p>
          )}
        </div>
        <button type="submit" className="button button-primary button-block" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {demo && (
        <aside className="card demo-card" aria-labelledby="demo-heading">
          <h2 id="demo-heading">Demo accounts</h2>
          <p className="muted small">
            This is a demo. Every account uses the password <code>{demo.password}</code>.
          </p>
          <ul className="demo-accounts">
            {demo.accounts.map((a) => (
              <li key={a.email}>
                <span>
                  <strong>{a.name}</strong> <span className="pill">{a.role}</span>
                  <br />
                  <code>{a.email}</code>
                </span>
                <button
                  type="button"
                  className="button button-small button-secondary"
                  onClick={() => {
                    setEmail(a.email);
                    setPassword(demo.password);
                  }}
                >
                  Use
                </button>
              </li>
            ))}
          </ul>
        </aside>
      )}
    </div>
  );
}
