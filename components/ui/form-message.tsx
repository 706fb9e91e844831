import type { ActionState } from "@/app/actions/validated-action";

/** The outcome of a form action, announced to screen readers as it appears. */
export function FormMessage({ state }: { state: ActionState }) {
  return (
    <div aria-live="polite" className="form-message-slot">
      {state.error && (
        <p role="alert" className="alert alert-error" data-code={state.code}>
          {state.error}
        </p>
      )}
      {state.success && <p className="alert alert-success">{state.success}</p>}
    </div>
  );
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}
