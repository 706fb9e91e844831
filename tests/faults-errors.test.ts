import { beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/respond";
import type { PaymentProvider } from "@/lib/payments/provider";
import { at, createTestLot, createUser, expectError, type TestUser } from "./fixtures";
import { bookOk, pay, statusOf } from "./support/driver-api";

// Errors that cross module instances (Next.js bundles the same file into several chunks; a provider
// cached on globalThis was built by one of them) and outages of PostgreSQL must still be rendered
// as the error body with the right status, never as a 500.

/** A second, independent instance of a module, as another Next.js bundle would load it. */
async function otherInstance<T>(load: () => Promise<T>): Promise<T> {
  vi.resetModules();
  try {
    return await load();
  } finally {
    vi.resetModules();
  }
}

describe("the error renderer", () => {
  it("renders an ApiError thrown by another bundle's copy of lib/errors with its own status", async () => {
    const other = await otherInstance(() => import("@/lib/errors"));
    expect(other.ApiError).not.toBe(ApiError);
    const res = errorResponse(new other.ApiError("not_found", "Lot not found"));
    await expectError(res, 404, "not_found");
  });

  it("renders a ZodError of another zod instance as 422 validation_failed", async () => {
    const z = await otherInstance(() => import("zod"));
    const r = z.object({ n: z.number() }).safeParse({ n: "x" });
    await expectError(errorResponse(r.error), 422, "validation_failed");
  });

  it.each([
    [
      "ECONNREFUSED",
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED", errno: -111 }),
    ],
    ["CONNECT_TIMEOUT", Object.assign(new Error("write CONNECT_TIMEOUT 127.0.0.1:5432"), { code: "CONNECT_TIMEOUT" })],
    [
      "57P01 admin shutdown",
      Object.assign(new Error("terminating connection due to administrator command"), {
        code: "57P01",
        severity: "FATAL",
      }),
    ],
    ["08006 connection failure", Object.assign(new Error("connection failure"), { code: "08006" })],
    ["CONNECTION_CLOSED", Object.assign(new Error("write CONNECTION_CLOSED"), { code: "CONNECTION_CLOSED" })],
    [
      "wrapped by drizzle",
      Object.assign(new Error("Failed query: select 1"), {
        cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
      }),
    ],
  ])("answers 503 unavailable with Retry-After when PostgreSQL is unreachable (%s)", async (_name, err) => {
    const res = errorResponse(err);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    const body = await expectError(res, 503, "unavailable");
    expect(body.details).toMatchObject({ retryable: true });
  });

  it("still answers 500 internal_error for a genuine bug", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    await expectError(errorResponse(new TypeError("x is undefined")), 500, "internal_error");
    spy.mockRestore();
  });
});

describe("a mistyped payment method", () => {
  let driver: TestUser;
  beforeAll(async () => {
    driver = await createUser("driver");
  });

  it("answers 402 payment_failed when the processor refuses it, even if its error class comes from another bundle", async () => {
    const other = await otherInstance(() => import("@/lib/payments/provider"));
    const g = globalThis as unknown as { __spotkeeperPayments?: { key: string; provider: PaymentProvider } };
    const { env } = await import("@/lib/env");
    const e = env();
    const stub: PaymentProvider = {
      name: "stripe",
      ensureCustomer: async () => "cus_test",
      createPaymentIntent: async () => `pi_test_${Math.random().toString(36).slice(2)}`,
      confirmPaymentIntent: async () => {
        throw new other.PaymentRejectedError("No such PaymentMethod: '1234'", "resource_missing");
      },
      retrievePaymentIntent: async (id) => ({ status: "open", paymentIntentId: id }),
      chargeOffSession: async () => {
        throw new Error("unused");
      },
      refund: async () => {
        throw new Error("unused");
      },
      retrieveRefund: async () => {
        throw new Error("unused");
      },
      findRefund: async () => null,
      listSavedCards: async () => [],
      findOffSessionCharge: async () => null,
    };
    const saved = g.__spotkeeperPayments;
    g.__spotkeeperPayments = {
      key: `${e.STRIPE_SECRET_KEY ?? ""}|${e.STRIPE_API_BASE ?? ""}|${e.demo}`,
      provider: stub,
    };
    try {
      const lot = await createTestLot({ counts: { compact: 1 } });
      const r = await bookOk(driver, lot.id, at(2, 9), at(2, 10));
      const res = await pay(driver, { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: "1234" });
      const err = await expectError(res, 402, "payment_failed");
      expect(err.details).toMatchObject({ code: "resource_missing" });
      expect(await statusOf(driver, r.reservation_id)).toBe("pending_payment");
    } finally {
      g.__spotkeeperPayments = saved;
    }
  });
});
