"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useActionState, useEffect, useRef } from "react";
import { signUpAction } from "@/app/actions/account";
import { FieldError, FormMessage } from "@/components/ui/form-message";

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, formAction, pending] = useActionState(signUpAction, {});
  const password = useRef("");
  const fe = state.fieldErrors ?? {};
  const v = state.values ?? {};
  // Created: the page signs in and leaves; the form stays disabled until it has gone.
  const signingIn = Boolean(state.success && v.email);

  // Created: sign in with what was just typed, then go on to where the driver was headed.
  useEffect(() => {
    if (!state.success || !v.email) return;
    signIn("credentials", { email: v.email, password: password.current, redirect: false, callbackUrl }).then((res) => {
      window.location.assign(
        res?.ok && !res.error ? callbackUrl : `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`,
      );
    });
  }, [state.success, v.email, callbackUrl]);

  return (
    <form
      action={formAction}
      className="card auth-card"
      onSubmit={(e) => (password.current = String(new FormData(e.currentTarget).get("password") ?? ""))}
    >
      <h1>Create an account</h1>
      <p className="muted">Book a spot in a minute. Your e-mail and a password are all it takes.</p>
      <div className="field">
        <label htmlFor="name">Your name</label>
        <input
          id="name"
          name="name"
          autoComplete="name"
          required
          maxLength={120}
          defaultValue={v.name}
          aria-invalid={!!fe.name}
          aria-describedby="name-error"
        />
        <FieldError id="name-error" message={fe.name} />
      </div>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={v.email}
          aria-invalid={!!fe.email}
          aria-describedby="email-error"
        />
        <FieldError id="email-error" message={fe.email} />
      </div>
      <div className="field">
        <label htmlFor="password">Password (at least 10 characters)</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          maxLength={200}
          aria-invalid={!!fe.password}
          aria-describedby="password-error"
        />
        <FieldError id="password-error" message={fe.password} />
      </div>
      <FormMessage
        state={state.success ? { success: signingIn ? "Account created. Signing you in…" : state.success } : state}
      />
      <button type="submit" className="button button-primary button-block" disabled={pending || signingIn}>
        {pending ? "Creating…" : "Create account"}
      </button>
      <p className="muted small">
        Already have an account? <Link href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Sign in</Link>
      </p>
    </form>
  );
}
