/**
 * An offline exit replayed later says when the car left (occurred_at, already bounded by
 * lib/gates/replay.ts to a plausible range); the server only knows when the report arrived. The
 * bridge's clock is not trusted with money: a replay moves at most what a live read at its
 * arrival could have — no bigger refund (an early departure claimed by a clock set back) and no
 * bigger charge (a clock set forward) than the arrival time gives.
 */
export type ExitMoney = { refund: number; charge: number };

export function boundReplayMoney(moneyAt: (at: Date) => ExitMoney, occurredAt: Date, arrivedAt: Date): ExitMoney {
  const claimed = moneyAt(occurredAt);
  if (occurredAt.getTime() === arrivedAt.getTime()) return claimed;
  const live = moneyAt(arrivedAt);
  return { refund: Math.min(claimed.refund, live.refund), charge: Math.min(claimed.charge, live.charge) };
}
