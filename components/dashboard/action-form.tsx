"use client";

import { useActionState, type ReactNode } from "react";
import type { ActionState } from "@/app/actions/validated-action";
import { FormMessage } from "@/components/ui/form-message";

type Action = (prev: ActionState, form: FormData) => Promise<ActionState>;

/** A dashboard form around one server action: hidden ids, fields, its outcome, one submit button. */
export function ActionForm({
  action,
  hidden,
  submit,
  pendingLabel = "Saving…",
  className,
  variant = "secondary",
  children,
  onInput,
}: {
  action: Action;
  hidden: Record<string, string>;
  submit: string;
  pendingLabel?: string;
  className?: string;
  variant?: "primary" | "secondary" | "danger";
  children?: ReactNode;
  onInput?: (form: HTMLFormElement) => void;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className={className} onInput={onInput ? (e) => onInput(e.currentTarget) : undefined}>
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {children}
      <FormMessage state={state} />
      <button type="submit" className={`button button-${variant} button-small`} disabled={pending}>
        {pending ? pendingLabel : submit}
      </button>
    </form>
  );
}
