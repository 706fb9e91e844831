import { describe, expect, it } from "vitest";
import { cancellationRefund } from "./cancellation-refund";

const start = new Date("2030-06-01T10:00:00Z");
const minutesBefore = (m: number) => new Date(start.getTime() - m * 60_000);

describe("cancellationRefund", () => {
  describe("default policy: everything back until the start, nothing after", () => {
    const policy = { fullRefundMinutesBefore: 0, lateRefundPercent: 0 };

    it("refunds in full a minute before the start", () => {
      expect(cancellationRefund(1200, start, minutesBefore(1), policy)).toBe(1200);
    });

    it("refunds nothing at the start itself or later", () => {
      expect(cancellationRefund(1200, start, start, policy)).toBe(0);
      expect(cancellationRefund(1200, start, minutesBefore(-30), policy)).toBe(0);
    });
  });

  describe("full refund until 60 minutes before, then 50 %", () => {
    const policy = { fullRefundMinutesBefore: 60, lateRefundPercent: 50 };

    it("refunds in full before the cut-off", () => {
      expect(cancellationRefund(1000, start, minutesBefore(61), policy)).toBe(1000);
    });

    it("refunds the late share from the cut-off on, also after the start", () => {
      expect(cancellationRefund(1000, start, minutesBefore(60), policy)).toBe(500);
      expect(cancellationRefund(1000, start, minutesBefore(5), policy)).toBe(500);
      expect(cancellationRefund(1000, start, minutesBefore(-5), policy)).toBe(500);
    });

    it("rounds a late share down to whole minor units, never refunding more than the share", () => {
      expect(cancellationRefund(999, start, minutesBefore(10), policy)).toBe(499);
      expect(cancellationRefund(1, start, minutesBefore(10), policy)).toBe(0);
    });
  });

  it("refunds everything paid at a 100 % late share", () => {
    expect(
      cancellationRefund(750, start, minutesBefore(-120), { fullRefundMinutesBefore: 0, lateRefundPercent: 100 }),
    ).toBe(750);
  });

  it("refunds nothing when nothing was paid", () => {
    const policy = { fullRefundMinutesBefore: 60, lateRefundPercent: 50 };
    expect(cancellationRefund(0, start, minutesBefore(600), policy)).toBe(0);
    expect(cancellationRefund(-300, start, minutesBefore(600), policy)).toBe(0);
  });
});
