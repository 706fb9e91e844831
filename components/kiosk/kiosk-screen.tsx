"use client";

import { useCallback, useEffect, useState } from "react";
import type { Decision as BridgeDecision, Direction } from "@spotkeeper/gate-kiosk/contract";
import { ConnectionBand } from "./connection-band";
import { DecisionPanel } from "./decision-panel";
import { PlateKeypad } from "./plate-keypad";
import { useBridgeFeed } from "./use-bridge-feed";
import styles from "./kiosk.module.css";

type Props = { lotId: string; gateId: string; lotName: string | null; bridgeUrl: string; holdSeconds: number };

/**
 * The full-screen kiosk beside a barrier. Everything live comes from the gate bridge on the same PC
 * (GET /events): the connection band and each car's decision, which stays up for `holdSeconds`
 * before the screen returns to its welcome.
 */
export function KioskScreen({ lotId, gateId, lotName, bridgeUrl, holdSeconds }: Props) {
  const [decision, setDecision] = useState<BridgeDecision | null>(null);
  const [shownAt, setShownAt] = useState(0);
  const [keypadOpen, setKeypadOpen] = useState(false);

  // Stable, and only sets state: the feed subscribes once per bridge URL.
  const show = useCallback((d: BridgeDecision) => {
    setDecision(d);
    setShownAt(Date.now());
  }, []);
  const { connected, status } = useBridgeFeed(bridgeUrl, show);

  useEffect(() => {
    if (!decision) return;
    const timer = setTimeout(() => setDecision(null), holdSeconds * 1000);
    return () => clearTimeout(timer);
  }, [decision, shownAt, holdSeconds]);

  const direction: Direction = status?.direction ?? decision?.direction ?? "entry";
  const mismatch = status?.lot_id && status.gate_id && (status.lot_id !== lotId || status.gate_id !== gateId);

  return (
    <div className={styles.screen} data-kiosk>
      <ConnectionBand connected={connected} status={status} />
      <DecisionPanel decision={decision} direction={direction} lotName={lotName} />
      <footer className={styles.footer}>
        <span className={styles.footerInfo}>
          {mismatch
            ? "This screen is paired with another gate. Please call the attendant."
            : `${direction === "exit" ? "Exit" : "Entry"} gate`}
        </span>
        <button type="button" className={styles.bigButton} onClick={() => setKeypadOpen(true)} disabled={!connected}>
          Type your plate
        </button>
      </footer>
      {keypadOpen ? (
        <PlateKeypad
          bridgeUrl={bridgeUrl}
          direction={direction}
          onClose={() => setKeypadOpen(false)}
          onDecision={show}
        />
      ) : null}
    </div>
  );
}
