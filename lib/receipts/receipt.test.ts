import { describe, expect, it } from "vitest";
import type { Payment } from "@/db/schema";
import { buildReceipt } from "./receipt";

const row = (p: Partial<Payment>): Payment =>
  ({
    id: crypto.randomUUID(),
    reservationId: "r",
    kind: "charge",
    status: "succeeded",
    amount: 0,
    currency: "EUR",
    stripePaymentIntentId: null,
    stripeRefundId: null,
    description: null,
    failureCode: null,
    idempotencyKey: crypto.randomUUID(),
    createdAt: new Date("2026-01-01T10:00:00Z"),
    ...p,
  }) as Payment;

describe("buildReceipt", () => {
  it("nets charges, extensions and refunds and leaves declined attempts out", () => {
    const receipt = buildReceipt([
      row({ kind: "charge", amount: 1200, status: "failed" }),
      row({ kind: "charge", amount: 1200 }),
      row({ kind: "adjustment", amount: 300, description: "Extension" }),
      row({ kind: "refund", amount: 1500, status: "pending" }),
    ]);
    expect(receipt.lines.map((l) => l.amount)).toEqual([1200, 300, -1500]);
    expect(receipt.lines[0]!.description).toBe("Parking");
    expect(receipt).toMatchObject({ charged: 1500, refunded: 1500, net: 0, pending: true });
  });
});
