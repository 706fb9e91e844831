"use client";

import { useActionState, type ReactNode } from "react";
import type { ActionState } from "@/app/actions/validated-action";
import { FormMessage } from "@/components/ui/form-message";

type Action = (prev: ActionState, form: FormData) => Promise<ActionState>;

/** A form bound to a server action: its outcome announced, and a value shown once (token, link) ready to copy. */
export function ActionForm({
  action,
  submit,
  pendingLabel,
  children,
  variant = "secondary",
  className,
  label,
}: {
  action: Action;
  submit: string;
  pendingLabel?: string;
  children?: ReactNode;
  variant?: "primary" | "secondary" | "danger";
  className?: string;
  /** An accessible name for the form, when its button alone does not say what it is about. */
  label?: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className={className ?? "stack"} aria-label={label}>
      {children}
      <FormMessage state={state} />
      {state.secret && (
        <div className="field">
          <label htmlFor={`secret-${submit}`}>Shown once — copy it now</label>
          <input
            id={`secret-${submit}`}
            readOnly
            value={state.secret}
            onFocus={(e) => e.currentTarget.select()}
            className="secret-value"
          />
        </div>
      )}
      <button type="submit" className={`button button-${variant}`} disabled={pending}>
        {pending ? (pendingLabel ?? "Saving…") : submit}
      </button>
    </form>
  );
}
