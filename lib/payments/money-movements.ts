import type { Db, DbOrTx } from "@/db/client";
import { offSessionPayer, updatePayment, updatePendingPayment } from "@/db/queries/payment-settlement";
import { insertLedgerRow, insertLedgerRows, refundableCharges } from "@/db/queries/payments";
import type { NewPayment, Payment, PaymentContext, ReservationStatus } from "@/db/schema";
import { backgroundWork } from "@/lib/background";
import { paymentProvider } from ".";
import { isPaymentRejected, isPaymentUnavailable } from "./provider";

/**
 * Money moves in two phases. Inside the transaction that decides it (a cancel, a check-out, a
 * no-show), a `pending` ledger row with a unique idempotency key is written; after the commit,
 * `settle` asks the processor with that same key and records the outcome. A crash in between leaves
 * a pending row that the sweeper settles later — with the same key, so the processor moves the
 * money once however often it is asked.
 */

type Owner = { id: string; currency: string };

/** The pending rows refunding `amount` over a reservation's refundable charges (oldest first): one per PaymentIntent. */
export function refundRows(
  r: Owner,
  amount: number,
  key: string,
  description: string,
  charges: { paymentIntentId: string; refundable: number }[],
): NewPayment[] {
  const rows: NewPayment[] = [];
  let left = amount;
  for (const c of charges) {
    if (left <= 0) break;
    const part = Math.min(left, c.refundable);
    rows.push({
      reservationId: r.id,
      kind: "refund",
      amount: part,
      currency: r.currency,
      stripePaymentIntentId: c.paymentIntentId,
      idempotencyKey: `${key}:${c.paymentIntentId}`,
      description,
    });
    left -= part;
  }
  return rows;
}

/** The pending row of an off-session charge to the saved payment method, or null for nothing to charge. */
export function chargeRow(
  r: Owner,
  kind: "adjustment" | "penalty",
  amount: number,
  key: string,
  description: string,
  context?: PaymentContext,
): NewPayment | null {
  if (amount <= 0) return null;
  return { reservationId: r.id, kind, amount, currency: r.currency, idempotencyKey: key, description, context };
}

/** Refund `amount` over the reservation's charges (oldest first). One pending row per PaymentIntent. */
export async function queueRefund(tx: DbOrTx, r: Owner, amount: number, key: string, description: string) {
  return insertLedgerRows(tx, refundRows(r, amount, key, description, await refundableCharges(tx, r.id)));
}

/** An off-session charge to the saved payment method (overstay, extension, no-show penalty). */
export async function queueCharge(tx: DbOrTx, ...charge: Parameters<typeof chargeRow>) {
  const row = chargeRow(...charge);
  return row && insertLedgerRow(tx, row);
}

/**
 * The reservation states in which an off-session charge is still owed when it finally runs (it
 * may run hours after it was decided, from the sweeper): a penalty only for a no-show, an overstay
 * only for a completed stay, an extension only for a booking that still holds its spot or was used.
 */
export function offSessionChargeStillDue(row: Pick<Payment, "idempotencyKey">, status: ReservationStatus): boolean {
  if (row.idempotencyKey.startsWith("penalty:")) return status === "no_show";
  if (row.idempotencyKey.startsWith("overstay:")) return status === "completed";
  return status === "confirmed" || status === "checked_in" || status === "completed";
}

/** Stripe keeps an idempotency key for 24 hours; past this age a retry looks the object up first. */
export const IDEMPOTENCY_WINDOW_MS = 23 * 60 * 60_000;

/** After this many refusals that are not an outage, a row waits for an operator (needs_attention). */
export const MAX_ATTEMPTS = 5;
/**
 * When a failed row is tried again. The first retry is the sweeper's own threshold (rows younger
 * than it are left to their synchronous path); from then on the wait doubles, capped at an hour so
 * an outage of any length is still picked up within the hour after it ends.
 */
export function retryDelayMs(attempts: number) {
  return attempts <= 1 ? 0 : Math.min(60 * 60_000, 30_000 * 2 ** (attempts - 1));
}

/**
 * Records a failed attempt without letting it escape: one row's error must not fail the request
 * that committed it (a cancel) nor stop the sweeper from settling the rows after it.
 * `park`: the processor gave a final answer that retrying with the same key cannot change.
 */
async function noteFailure(
  db: DbOrTx,
  row: Payment,
  err: unknown,
  kind: "outage" | "refused" | "final",
): Promise<Payment["status"]> {
  const attempts = row.attempts + 1;
  const message = err instanceof Error ? err.message : String(err);
  const park = kind === "final" || (kind === "refused" && attempts >= MAX_ATTEMPTS);
  if (kind !== "outage")
    console.error(`[spotkeeper] payment ${row.id} (${row.kind}) attempt ${attempts} failed:`, message);
  await updatePendingPayment(db, row.id, {
    attempts,
    lastError: message.slice(0, 500),
    nextAttemptAt: park ? null : new Date(Date.now() + retryDelayMs(attempts)),
    ...(park && {
      status: "needs_attention" as const,
      failureCode: (err as { code?: string }).code ?? "processor_error",
    }),
  });
  return park ? "needs_attention" : "pending";
}

/**
 * Executes one pending row against the processor. Safe to call repeatedly and concurrently, and it
 * does not throw for the processor's failures: they are recorded on the row (see noteFailure).
 */
export async function settle(db: Db, row: Payment): Promise<Payment["status"]> {
  if (row.status !== "pending") return row.status;
  const provider = paymentProvider();
  if (!provider) return "pending";
  try {
    const outlived = Date.now() - row.createdAt.getTime() > IDEMPOTENCY_WINDOW_MS;
    if (row.kind === "refund") {
      const ask = {
        paymentIntentId: row.stripePaymentIntentId!,
        amount: row.amount,
        reservationId: row.reservationId,
        idempotencyKey: row.idempotencyKey,
      };
      // Known to the processor: ask for its state. Older than its memory of our key: look first.
      const res = row.stripeRefundId
        ? await provider.retrieveRefund(row.stripeRefundId)
        : ((outlived ? await provider.findRefund(ask) : null) ?? (await provider.refund(ask)));
      if (res.status === "pending") {
        await updatePayment(db, row.id, { stripeRefundId: res.refundId });
        return "pending"; // charge.refunded (webhook) completes it
      }
      await updatePendingPayment(db, row.id, {
        status: res.status,
        stripeRefundId: res.refundId,
        failureCode: res.status === "failed" ? "refund_failed" : null,
      });
      return res.status;
    }
    if (row.kind === "adjustment" || row.kind === "penalty") {
      const owner = await offSessionPayer(db, row.reservationId);
      if (owner && !offSessionChargeStillDue(row, owner.status)) {
        await updatePendingPayment(db, row.id, { status: "failed", failureCode: `reservation_${owner.status}` });
        return "failed";
      }
      if (!owner?.customerId || !owner.paymentMethodId) {
        await updatePendingPayment(db, row.id, { status: "failed", failureCode: "no_saved_payment_method" });
        return "failed";
      }
      const found = outlived
        ? await provider.findOffSessionCharge({ customerId: owner.customerId, idempotencyKey: row.idempotencyKey })
        : null;
      const res =
        found ??
        (await provider.chargeOffSession({
          amount: row.amount,
          currency: row.currency,
          customerId: owner.customerId,
          paymentMethodId: owner.paymentMethodId,
          reservationId: row.reservationId,
          description: row.description ?? row.kind,
          idempotencyKey: row.idempotencyKey,
        }));
      if (res.status === "succeeded") {
        await updatePendingPayment(db, row.id, { status: "succeeded", stripePaymentIntentId: res.paymentIntentId });
        return "succeeded";
      }
      const code = res.status === "declined" ? res.declineCode : "authentication_required";
      await updatePendingPayment(db, row.id, {
        status: "failed",
        failureCode: code,
        stripePaymentIntentId: res.paymentIntentId,
      });
      return "failed";
    }
    return "pending"; // driver-present charges are settled by POST /v1/payments and the webhook
  } catch (err) {
    if (isPaymentUnavailable(err)) return noteFailure(db, row, err, "outage"); // retried with the same key
    if (isPaymentRejected(err)) {
      // A charge the processor refuses is a failed charge (the lifecycle decides what follows); a
      // refund it refuses is money we owe the driver: an operator must look at it.
      if (row.kind !== "refund") {
        await updatePendingPayment(db, row.id, {
          status: "failed",
          failureCode: err.code,
          attempts: row.attempts + 1,
          lastError: err.message,
        });
        return "failed";
      }
      return noteFailure(db, row, err, "final");
    }
    return noteFailure(db, row, err, "refused");
  }
}

/** Settles each row in turn; one row's failure never stops the others. */
export async function settleEach(db: Db, rows: (Payment | null)[]) {
  const out: { row: Payment; status: Payment["status"] }[] = [];
  for (const row of rows) if (row) out.push({ row, status: await settle(db, row) });
  return out;
}

/** How many of the rows handed to settleLater this process settles at once. */
const SETTLE_AT_ONCE = 8;
const settling = backgroundWork("settlements");
const waiting: { db: Db; row: Payment }[] = [];
let settlers = 0;

/**
 * Settles rows after the caller has moved on, SETTLE_AT_ONCE at a time across the process: each row
 * is a call to the processor (its own idempotency key), which can take a second, and the gate
 * recorder's next batch must not wait for the last one's refunds. The rows are committed as pending
 * first, so a process that stops with rows still waiting here leaves them to the sweeper, which
 * settles them with the same keys (a row settled twice at once moves its money once).
 */
export function settleLater(db: Db, rows: Payment[]) {
  waiting.push(...rows.map((row) => ({ db, row })));
  for (; settlers < SETTLE_AT_ONCE && waiting.length; settlers++) {
    settling.start(
      (async () => {
        try {
          for (let job = waiting.shift(); job; job = waiting.shift()) {
            // settle() records the processor's failures on the row; a database failure leaves the row pending.
            await settle(job.db, job.row).catch((err: unknown) =>
              console.warn(`[spotkeeper] payment ${job!.row.id} left pending for the sweeper:`, (err as Error).message),
            );
          }
        } finally {
          settlers--;
        }
      })(),
    );
  }
}

/** Settles rows now, SETTLE_AT_ONCE at a time (a caller that reports the outcome, e.g. an Inngest step). */
export async function settleNow(db: Db, rows: Payment[]) {
  for (let i = 0; i < rows.length; i += SETTLE_AT_ONCE)
    await Promise.all(rows.slice(i, i + SETTLE_AT_ONCE).map((row) => settle(db, row)));
}

/** Resolves once every row handed to settleLater has been tried. */
export const settledLater = () => settling.idle();

export async function settleAll(db: Db, rows: (Payment | null)[]) {
  return (await settleEach(db, rows)).reduce((total, s) => total + (s.status === "succeeded" ? s.row.amount : 0), 0);
}

/** One word for a set of refund rows, as the driver is told it: none, succeeded, pending or needs_attention. */
export function movementStatus(
  statuses: Payment["status"][],
): "none" | "succeeded" | "pending" | "needs_attention" | "failed" {
  if (statuses.length === 0) return "none";
  if (statuses.includes("needs_attention")) return "needs_attention";
  if (statuses.includes("pending")) return "pending";
  if (statuses.every((s) => s === "succeeded")) return "succeeded";
  return "failed";
}
