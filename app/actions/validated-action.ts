import "server-only";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { getDb, type Db } from "@/db/client";
import { getSessionCaller } from "@/lib/auth/session";
import { errorResponse } from "@/lib/http/respond";
import type { Caller } from "@/lib/auth/caller";
import { authorizeGate, authorizeLot, type OperatorRole } from "@/lib/auth/lot-access";
import { auditOperatorWrite } from "@/lib/organisations/audit";
import { findGate, type GateRow } from "@/db/queries/gates";
import { findLot } from "@/db/queries/lots";
import type { Lot } from "@/db/schema";
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

/**
 * What the audit entry of an operator's act records. By default the target is the gate (with
 * `gateRole`) or the lot, `before` the row as it was when the caller was authorised and `after` the
 * row read again after the act, plus anything the action sets in `after` (the reason of a manual
 * open). An action about something else (a spot, a new gate) names that `target` and describes its
 * `before` and `after` itself.
 */
export type AuditNote = { target?: { type: string; id: string }; before?: unknown; after?: Record<string, unknown> };

type Context = { db: Db; caller: Caller; form: FormData; audit: AuditNote };

/**
 * The organisation check of a form about one lot (`lotRole`: the caller's role in the organisation
 * of the form's `lot_id`) or one gate (`gateRole`: of its lot's organisation, from `gate_id`);
 * another organisation's lot or gate is "not found", as in the API. Such an action is an operator's
 * act on a lot, so it names the audit log's word for it (`lot.settings_updated`): the type makes an
 * organisation check without an audit entry impossible to write, and the entry is written here,
 * after the act succeeded, through the same function as the API's writes.
 */
type Scoped =
  | { lotRole?: undefined; gateRole?: undefined; audit?: undefined }
  | { lotRole: OperatorRole; gateRole?: OperatorRole; audit: string }
  | { lotRole?: OperatorRole; gateRole: OperatorRole; audit: string };

type Options = Scoped & {
  /** Builds the schema's input from the form; the default is the form's fields as strings. */
  fromForm?: (form: FormData, db: Db) => unknown;
  operatorOnly?: boolean;
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

/** The audit entry of an operator's act on a lot or gate (see AuditNote). */
async function auditAct(db: Db, caller: Caller, action: string, scope: { lot: Lot; gate?: GateRow }, note: AuditNote) {
  const { lot, gate } = scope;
  const now = gate ? await findGate(db, gate.id) : await findLot(db, lot.id);
  await auditOperatorWrite(db, caller, {
    organisationId: lot.organisationId,
    action,
    ...(note.target
      ? { target: note.target, before: note.before ?? null, after: note.after ?? null }
      : {
          target: gate ? { type: "gate", id: gate.id } : { type: "lot", id: lot.id },
          before: gate ?? lot,
          after: { ...now, ...note.after },
        }),
  });
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
      const lot = opts.lotRole
        ? (await authorizeLot(db, caller, idField(form, "lot_id", "Lot"), opts.lotRole)).lot
        : undefined;
      const gate = opts.gateRole
        ? await authorizeGate(db, caller, idField(form, "gate_id", "Gate"), opts.gateRole)
        : undefined;
      const input = opts.fromForm ? await opts.fromForm(form, db) : values;
      const audit: AuditNote = {};
      const result = await action(schema.parse(input), { db, caller, form, audit });
      if (opts.audit) await auditAct(db, caller, opts.audit, gate ?? { lot: lot! }, audit);
      return result ?? {};
    } catch (err) {
      unstable_rethrow(err); // redirect() and notFound() are control flow, not failures
      const { error } = (await errorResponse(err).json()) as {
        error: { code: string; message: string; details?: unknown };
      };
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
