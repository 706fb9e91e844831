import "server-only";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { getDb, type Db } from "@/db/client";
import { getSessionCaller } from "@/lib/auth/session";
import { errorResponse } from "@/lib/http/respond";
import type { Caller } from "@/lib/auth/caller";
import { authorizeGate, authorizeLot, type OperatorRole } from "@/lib/auth/lot-access";
import { ApiError } from "@/lib/errors";
import { humanise } from "@/components/format";

/** What every form action hands back to `useActionState`. */
export type ActionState = {
  error?: string;
  /** The API's error code (`no_spot_available`, `validation_failed`, …), for styling and tests. */
  code?: string;
  /** Messages per input name, from the schema's issue paths ("hourly_rates.ev"). */
  fieldErrors?: Record<string, string>;
  success?: string;
  /** A value shown once (a new API token, an invitation link): never stored in a readable form. */
  secret?: string;
  /** The submitted text fields, so a form React has reset after the action can show them again. */
  values?: Record<string, string>;
};

type Context = { db: Db; caller: Caller; form: FormData };

type Options = {
  /** Builds the schema's input from the form; the default is the form's fields as strings. */
  fromForm?: (form: FormData, db: Db) => unknown;
  operatorOnly?: boolean;
  /**
   * The organisation check for a form about one lot: the caller's role in the organisation of the
   * form's `lot_id` (another organisation's lot is "not found", as in the API).
   */
  lotRole?: OperatorRole;
  /** The same for a form about one gate (`gate_id`): its lot's organisation. */
  gateRole?: OperatorRole;
  /** Where to come back to after signing in when the session is missing or expired. */
  returnTo?: (form: FormData) => string;
};

function submittedValues(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form) {
    if (typeof v === "string" && !k.startsWith("$ACTION") && !/password/i.test(k)) out[k] = v;
  }
  return out;
}



function idField(form: FormData, name: string, what: string): string {
  const v = form.get(name);
  if (typeof v !== "string" || !z.uuid().safeParse(v).success) throw new ApiError("not_found", `${what} not found`);
  return v;
}

function fieldErrorsOf(details: unknown): Record<string, string> | undefined {
  if (!Array.isArray(details)) return undefined;
  const out: Record<string, string> = {};
  for (const d of details as { path?: unknown; message?: unknown }[]) {
    if (typeof d?.path !== "string" || typeof d.message !== "string") continue;
    // Form inputs are text: a number field that did not parse reaches the schema as NaN.
    out[d.path] ??= /received NaN/.test(d.message) ? "Enter a number" : humanise(d.message);
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * saas-starter's `validatedAction`: checks the session, parses the form with the same zod schema the
 * REST API uses, runs the same lib/ function, and turns any failure into `{ error }`. Errors go
 * through the API's one error mapping (`errorResponse`), so the site and the API name a failure alike.
 */
export function validatedAction<S extends z.ZodType>(
  schema: S,
  action: (input: z.output<S>, ctx: Context) => Promise<ActionState | void>,
  opts: Options = {},
) {
  return async (_prev: ActionState, form: FormData): Promise<ActionState> => {
    const values = submittedValues(form);
    const caller = await getSessionCaller();
    if (!caller) redirect(`/sign-in?callbackUrl=${encodeURIComponent(opts.returnTo?.(form) ?? "/")}`);
    if (opts.operatorOnly && caller.role !== "operator") {
      return { error: "Only operators can do this.", code: "forbidden", values };
    }
    try {
      const db = await getDb();
      if (opts.lotRole) await authorizeLot(db, caller, idField(form, "lot_id", "Lot"), opts.lotRole);
      if (opts.gateRole) await authorizeGate(db, caller, idField(form, "gate_id", "Gate"), opts.gateRole);
      const input = opts.fromForm ? await opts.fromForm(form, db) : values;
      const result = await action(schema.parse(input), { db, caller, form });
      return result ?? {};
    } catch (err) {
      unstable_rethrow(err); // redirect() and notFound() are control flow, not failures
      const { error } = (await errorResponse(err).json()) as { error: { code: string; message: string; details?: unknown } };
      const fieldErrors = fieldErrorsOf(error.details);
      // Input names ("count_compact") are not words a person uses: one problem is told as itself,
      // several point at the fields, which carry their own messages.
      const problems = fieldErrors ? Object.values(fieldErrors) : [];
      const message =
        error.code !== "validation_failed" || problems.length === 0
          ? humanise(error.message)
          : problems.length === 1
            ? `${problems[0]!.replace(/\.$/, "")}.`
            : `Please check the ${problems.length} fields marked below.`;
      return { error: message, code: error.code, fieldErrors, values };
    }
  };
}
