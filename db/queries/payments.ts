import { and, asc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { payments, reservations, type NewPayment, type Payment } from "../schema";

/** What the driver has paid net of refunds, from the ledger's succeeded rows (netPaidOf). */
export const netPaid = async (db: DbOrTx, reservationId: string) => netPaidOf(await ledgerFor(db, reservationId));

/** A reservation's ledger rows, oldest first. */
export const ledgerFor = async (db: DbOrTx, reservationId: string): Promise<Payment[]> =>
  (await ledgersFor(db, [reservationId])).get(reservationId)!;

/**
 * Inserts a ledger row unless one with the same idempotency key exists; returns the row either way.
 * This is what makes every money path safe to run twice.
 */
export const insertLedgerRow = async (db: DbOrTx, row: NewPayment): Promise<Payment> =>
  (await insertLedgerRows(db, [row]))[0]!;

/** Every ledger row of many reservations, oldest first. */
export async function ledgersFor(db: DbOrTx, reservationIds: string[]): Promise<Map<string, Payment[]>> {
  const out = new Map<string, Payment[]>(reservationIds.map((id) => [id, []]));
  if (reservationIds.length === 0) return out;
  const rows = await db
    .select()
    .from(payments)
    .where(inArray(payments.reservationId, reservationIds))
    .orderBy(asc(payments.createdAt));
  for (const r of rows) out.get(r.reservationId)?.push(r);
  return out;
}

/** What a ledger says was paid and kept: succeeded charges less succeeded refunds. */
export const netPaidOf = (rows: Payment[]) =>
  rows.reduce((net, r) => (r.status !== "succeeded" ? net : r.kind === "refund" ? net - r.amount : net + r.amount), 0);

/**
 * How much of each succeeded charge is still refundable, oldest first: a refund is split over the
 * PaymentIntents it came from (the booking, then extensions and overstays).
 */
export function refundableOf(rows: Payment[]) {
  const byIntent = new Map<string, number>();
  for (const r of rows) {
    if (!r.stripePaymentIntentId) continue;
    const delta =
      r.kind === "refund" ? (r.status === "failed" ? 0 : -r.amount) : r.status === "succeeded" ? r.amount : 0;
    byIntent.set(r.stripePaymentIntentId, (byIntent.get(r.stripePaymentIntentId) ?? 0) + delta);
  }
  return [...byIntent]
    .filter(([, left]) => left > 0)
    .map(([paymentIntentId, refundable]) => ({ paymentIntentId, refundable }));
}

export const refundableCharges = async (db: DbOrTx, reservationId: string) =>
  refundableOf(await ledgerFor(db, reservationId));

/** insertLedgerRow for many rows in one statement: each row as inserted, or as it already was under its key. */
export async function insertLedgerRows(db: DbOrTx, rows: NewPayment[]): Promise<Payment[]> {
  if (rows.length === 0) return [];
  const created = await db
    .insert(payments)
    .values(rows)
    .onConflictDoNothing({ target: payments.idempotencyKey })
    .returning();
  const have = new Set(created.map((r) => r.idempotencyKey));
  const missing = rows.map((r) => r.idempotencyKey).filter((k) => !have.has(k));
  const existing = missing.length
    ? await db.select().from(payments).where(inArray(payments.idempotencyKey, missing))
    : [];
  const byKey = new Map([...created, ...existing].map((r) => [r.idempotencyKey, r]));
  return rows.map((r) => byKey.get(r.idempotencyKey)!);
}

export async function pendingLedgerRows(db: DbOrTx, olderThanSeconds: number, limit = 100) {
  return db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.status, "pending"),
        sql`${payments.createdAt} < now() - make_interval(secs => ${olderThanSeconds})`,
        // Rows backing off after a failure wait their turn, so they cannot block the ones after them.
        sql`(${payments.nextAttemptAt} is null or ${payments.nextAttemptAt} <= now())`,
      ),
    )
    .orderBy(asc(payments.createdAt))
    .limit(limit);
}

/** A lot's ledger rows in [from, to), oldest first, for reconciliation against Stripe payouts. */
export async function lotLedger(db: DbOrTx, lotId: string, from: Date, to: Date, limit: number) {
  return db
    .select(getTableColumns(payments))
    .from(payments)
    .innerJoin(reservations, eq(reservations.id, payments.reservationId))
    .where(
      and(
        eq(reservations.lotId, lotId),
        sql`${payments.createdAt} >= ${from.toISOString()}::timestamptz`,
        sql`${payments.createdAt} < ${to.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(payments.createdAt), asc(payments.id))
    .limit(limit);
}
