import type { DbOrTx } from "@/db/client";
import { insertAudit } from "@/db/queries/audit";
import type { ReservationForCaller } from "@/db/queries/reservation-access";

const snapshot = (
  r: Pick<ReservationForCaller, "status" | "startTime" | "endTime" | "amount" | "currency" | "userId" | "lotId">,
) => ({
  status: r.status,
  user_id: r.userId,
  lot_id: r.lotId,
  start_time: r.startTime.toISOString(),
  end_time: r.endTime.toISOString(),
  amount: r.amount,
  currency: r.currency,
});

/**
 * An operator acting on a driver's booking (in their own organisation's lot: the access check
 * already made sure) leaves a line in the organisation's audit log, in the same transaction as the act.
 * The driver's own acts are the reservation's transitions, not the organisation's audit.
 */
export async function auditBookingAct(
  tx: DbOrTx,
  actor: { id: string },
  r: ReservationForCaller,
  action: string,
  after: Record<string, unknown>,
) {
  if (r.access === "driver") return;
  const before = snapshot(r);
  await insertAudit(tx, {
    organisationId: r.organisationId,
    actorId: actor.id,
    action,
    targetType: "reservation",
    targetId: r.id,
    before,
    after: { ...before, ...after },
  });
}

/** Secrets shown once (and their hashes) never go into the audit log. */
const SECRET_KEY = /^(secret|token)(_?hash)?$/i;
const redactSecrets = (value: unknown) =>
  JSON.parse(JSON.stringify(value ?? null, (k, v) => (SECRET_KEY.test(k) ? "[shown once]" : v)));

/** A row as the audit log shows it: its organisation is the log's own, secrets are redacted. */
const auditView = (value: unknown) => {
  if (value && typeof value === "object" && "organisationId" in value) {
    const { organisationId: _organisationId, ...rest } = value as Record<string, unknown>;
    return redactSecrets(rest);
  }
  return redactSecrets(value);
};

/**
 * An operator's write to a lot, a gate or a spot, for the organisation's owners: who, when, what and
 * the target before and after. The one path for both the API (lib/http/define-route.ts) and the
 * dashboard's server actions (app/actions/validated-action.ts), so neither can log less than the other.
 */
export async function auditOperatorWrite(
  db: DbOrTx,
  actor: { id: string },
  e: { organisationId: string; action: string; target: { type: string; id: string }; before: unknown; after: unknown },
) {
  await insertAudit(db, {
    organisationId: e.organisationId,
    actorId: actor.id,
    action: e.action,
    targetType: e.target.type,
    targetId: e.target.id,
    before: auditView(e.before),
    after: auditView(e.after),
  });
}
