import { setShared, watchShared } from "@/lib/redis/shared-state";
import { paymentProvider } from ".";

// What the gate kiosks show as "payments down": no processor configured, or the processor failed
// to answer recently (connection errors, 5xx, rate limits). One success clears it. Shared by every
// app process through Redis (lib/redis/shared-state.ts): a load balancer sends a lot's gates to any
// process, and all of them must show the same band. Without Redis, this process's own calls decide.
const DOWN_FOR_MS = 60_000;
const SHARED = "payments-down-until";
let downUntil = 0;
let sharedValue: () => string | null = () => null;
let watching = false;

function watch() {
  if (watching) return;
  watching = true;
  // Another process saw the processor answer: it is up for this one too.
  sharedValue = watchShared(SHARED, (v) => {
    if (v === null) downUntil = 0;
  });
}

function share(value: number | null) {
  watch();
  setShared(
    SHARED,
    value === null ? null : String(value),
    value === null ? undefined : Math.ceil(DOWN_FOR_MS / 1000),
  ).catch(() => {
    // Redis unreachable: this process still knows, and the others judge from their own calls.
  });
}

export function notePaymentsUnavailable(now = Date.now()) {
  downUntil = now + DOWN_FOR_MS;
  share(downUntil);
}

export function notePaymentsAnswered() {
  const wasDown = downUntil > Date.now() || Number(sharedValue() ?? 0) > Date.now();
  downUntil = 0;
  if (wasDown) share(null);
}

export function paymentsStatus(now = Date.now()): "up" | "down" {
  if (!paymentProvider()) return "down";
  watch();
  const until = Math.max(downUntil, Number(sharedValue() ?? 0));
  return now < until ? "down" : "up";
}
