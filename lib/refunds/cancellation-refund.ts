export type CancellationPolicy = {
  /** Full refund until this many minutes before the start (0 = until the start itself). */
  fullRefundMinutesBefore: number;
  /** Share refunded after that cut-off, 0–100. */
  lateRefundPercent: number;
};

/**
 * What a cancellation gives back of what the driver has actually paid. The default policy (0, 0) is
 * the leading booking apps' rule: everything back until the start time, nothing after.
 */
export function cancellationRefund(paid: number, start: Date, now: Date, policy: CancellationPolicy): number {
  if (paid <= 0) return 0;
  const cutoff = start.getTime() - policy.fullRefundMinutesBefore * 60_000;
  if (now.getTime() < cutoff) return paid;
  return Math.floor((paid * policy.lateRefundPercent) / 100);
}
