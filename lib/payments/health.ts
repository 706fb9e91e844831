import { paymentProvider } from ".";

// What the gate kiosks show as "payments down": no processor configured, or the processor failed
// to answer recently (connection errors, 5xx, rate limits). One success clears it. Per process:
// every app instance judges from its own calls, which is what its gates experience.
const DOWN_FOR_MS = 60_000;
let downUntil = 0;

export function notePaymentsUnavailable(now = Date.now()) {
  downUntil = now + DOWN_FOR_MS;
}

export function notePaymentsAnswered() {
  downUntil = 0;
}

export function paymentsStatus(now = Date.now()): "up" | "down" {
  if (!paymentProvider()) return "down";
  return now < downUntil ? "down" : "up";
}
