import type { BridgeStatus } from "@spotkeeper/gate-kiosk/contract";
import styles from "./kiosk.module.css";

type BandState = "disconnected" | "out-of-service" | "offline" | "payments-down" | "online";

const TEXT: Record<BandState, string> = {
  disconnected: "Gate not connected",
  "out-of-service": "Gate out of service",
  offline: "Server unreachable — offline mode",
  "payments-down": "Payments down",
  online: "Online",
};

/**
 * The unmistakable colour band of commercial pay-station screens: green all well, amber the gate is
 * deciding on its own, red payments cannot be taken, dark red the screen has lost its gate.
 */
export function ConnectionBand({ connected, status }: { connected: boolean; status: BridgeStatus | null }) {
  const state: BandState =
    !connected || !status
      ? "disconnected"
      : status.server === "misconfigured" || status.relay === "failed"
        ? "out-of-service"
        : status.server === "offline"
          ? "offline"
          : status.payments === "down"
            ? "payments-down"
            : "online";
  let detail: string | null = null;
  if (state === "disconnected" || state === "out-of-service") detail = "Please call the attendant";
  else if (state === "offline")
    detail = status!.queue > 0 ? `${status!.queue} waiting to sync` : "Booked cars can still enter";
  else if (state === "payments-down") detail = "Charges will be settled later";
  return (
    <div className={styles.band} data-state={state} role="status" aria-label="Connection">
      <span className={styles.bandDot} aria-hidden="true" />
      <span className={styles.bandTitle}>{TEXT[state]}</span>
      {detail ? <span className={styles.bandDetail}>· {detail}</span> : null}
    </div>
  );
}
