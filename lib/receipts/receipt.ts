import type { Payment } from "@/db/schema";

export type ReceiptLine = {
  at: Date;
  description: string;
  amount: number;
  kind: Payment["kind"];
  status: Payment["status"];
};

const DEFAULT_DESCRIPTION: Record<Payment["kind"], string> = {
  charge: "Parking",
  adjustment: "Change to the booking",
  penalty: "No-show fee",
  refund: "Refund",
};

/**
 * A receipt is the ledger read for a person: every money movement that happened or is under way
 * (declined attempts are left out: nothing moved), refunds as negative lines, and the net total.
 * Built from the ledger, never from the reservation's price, so it matches the card statement.
 */
export function buildReceipt(ledger: Payment[]) {
  const lines: ReceiptLine[] = ledger
    .filter((p) => p.status !== "failed")
    .map((p) => ({
      at: p.createdAt,
      description: p.description ?? DEFAULT_DESCRIPTION[p.kind],
      amount: p.kind === "refund" ? -p.amount : p.amount,
      kind: p.kind,
      status: p.status,
    }));
  const charged = lines.filter((l) => l.amount > 0).reduce((s, l) => s + l.amount, 0);
  const refunded = -lines.filter((l) => l.amount < 0).reduce((s, l) => s + l.amount, 0);
  return { lines, charged, refunded, net: charged - refunded, pending: lines.some((l) => l.status === "pending") };
}
